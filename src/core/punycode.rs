//! RFC 3492 punycode encoding, just enough to compare an internationalised host written in
//! Unicode (`café.example`, as people type and paste it) with its ASCII form
//! (`xn--caf-dma.example`, as `location.hostname` reports it). No Unicode normalisation
//! tables: hosts are lower-cased for the scripts in [`to_lower`](super::chars::to_lower),
//! which covers what people type; anything exotic simply does not match, and a URL that
//! does not match is left untouched.

use crate::prelude::*;
const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

fn adapt(mut delta: u32, num_points: u32, first_time: bool) -> u32 {
    delta /= if first_time { DAMP } else { 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (((BASE - T_MIN + 1) * delta) / (delta + SKEW))
}

fn digit(d: u32) -> char {
    (if d < 26 {
        b'a' + d as u8
    } else {
        b'0' + (d - 26) as u8
    }) as char
}

/// Encodes one label (no dots) to its punycode form without the `xn--` prefix.
/// `None` on arithmetic overflow (absurdly long labels).
///
/// ```
/// assert_eq!(lanterne::core::punycode::encode_label("café").as_deref(), Some("caf-dma"));
/// assert_eq!(lanterne::core::punycode::encode_label("bücher").as_deref(), Some("bcher-kva"));
/// ```
pub fn encode_label(label: &str) -> Option<String> {
    let input: Vec<u32> = label.chars().map(|c| c as u32).collect();
    let mut out: String = label.chars().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    while (handled as usize) < input.len() {
        let m = *input.iter().filter(|&&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

/// The ASCII (A-label) form of a host: lower-cased, trailing dot removed, each non-ASCII
/// label punycode-encoded with `xn--`. `None` when a label cannot be encoded.
///
/// ```
/// use lanterne::core::punycode::host_to_ascii;
/// assert_eq!(host_to_ascii("Café.Example.").as_deref(), Some("xn--caf-dma.example"));
/// assert_eq!(host_to_ascii("WWW.example.com").as_deref(), Some("www.example.com"));
/// ```
pub fn host_to_ascii(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let mut out = String::with_capacity(host.len());
    for (i, label) in host.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() {
            out.push_str(&label.to_ascii_lowercase());
        } else {
            out.push_str("xn--");
            let lower: String = label.chars().map(super::chars::to_lower).collect();
            out.push_str(&encode_label(&lower)?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_and_well_known_vectors() {
        // Vectors checked against the IDNA conversions browsers perform.
        for (unicode, ascii) in [
            ("münchen", "mnchen-3ya"),
            ("español", "espaol-zwa"),
            ("中文", "fiq228c"),
            ("пример", "e1afmkfd"),
            ("ü", "tda"),
            ("bücher", "bcher-kva"),
        ] {
            assert_eq!(encode_label(unicode).as_deref(), Some(ascii), "{unicode}");
        }
        assert_eq!(
            host_to_ascii("пример.испытание").as_deref(),
            Some("xn--e1afmkfd.xn--80akhbyknj4f")
        );
    }
}
