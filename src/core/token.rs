//! Share tokens (docs/how-it-works.md#share-tokens): 12 URL-safe characters, the first
//! naming the channel, the other eleven carrying 65.9 random bits.

use super::channel::Channel;

/// Length of every token, in characters (and bytes: tokens are ASCII).
pub const TOKEN_LEN: usize = 12;

/// How many random bytes [`ShareToken::mint`] consumes.
pub const RANDOM_BYTES: usize = 9;

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A share token: `[channel code][10 × base64url][1 × alphanumeric]`.
///
/// The first character is the [`Channel`]'s code, so an arrival can be attributed without
/// any lookup. The last character is alphanumeric because link detectors in messengers
/// (and GitHub-flavoured autolinks) drop a trailing `_` or `-` from a URL, which would
/// truncate the token. Random bits: 10 × 6 + log2(62) ≈ 65.95.
///
/// ```
/// use lanterne::core::{channel::Channel, token::ShareToken};
/// let token = ShareToken::mint(Channel::Whatsapp, &[7; 9]);
/// assert_eq!(token.as_str().len(), 12);
/// assert_eq!(token.channel(), Channel::Whatsapp);
/// assert_eq!(ShareToken::parse(token.as_str()), Some(token));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShareToken([u8; TOKEN_LEN]);

impl ShareToken {
    /// Mints a token for `channel` from 9 bytes of cryptographic randomness
    /// (the browser layer takes them from `crypto.getRandomValues`).
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, token::ShareToken};
    /// let a = ShareToken::mint(Channel::Copy, &[0; 9]);
    /// let b = ShareToken::mint(Channel::Copy, &[1; 9]);
    /// assert_ne!(a, b);
    /// assert!(a.as_str().starts_with('c'));
    /// ```
    pub fn mint(channel: Channel, random: &[u8; RANDOM_BYTES]) -> ShareToken {
        let mut out = [0u8; TOKEN_LEN];
        out[0] = channel.code();
        // Ten characters of 6 bits each from the first 8 bytes (60 of their 64 bits),
        // then one alphanumeric from the 9th byte and the 4 bits left. (u64, not u128:
        // 128-bit division is a kilobyte of wasm.)
        let mut bits = u64::from_le_bytes([
            random[0], random[1], random[2], random[3], random[4], random[5], random[6], random[7],
        ]);
        for slot in out.iter_mut().take(TOKEN_LEN - 1).skip(1) {
            *slot = BASE64URL[(bits & 63) as usize];
            bits >>= 6;
        }
        // 12 bits are left; reducing them mod 62 is biased by < 1.5 %, which costs a
        // fraction of a bit, already counted in the 65.95 above.
        let rest = (bits << 8) | u64::from(random[8]);
        out[TOKEN_LEN - 1] = ALNUM[(rest % 62) as usize];
        ShareToken(out)
    }

    /// Parses a value found in a token slot. Anything that is not exactly a well-formed
    /// token (length, alphabet, a known channel code, alphanumeric last character) is
    /// `None`: such values are ignored, never reported.
    ///
    /// ```
    /// use lanterne::core::token::ShareToken;
    /// assert!(ShareToken::parse("wAbCdEfGh-_9").is_some());
    /// assert!(ShareToken::parse("wAbCdEfGh-_").is_none());   // 11 characters
    /// assert!(ShareToken::parse("9AbCdEfGh-_9").is_none());  // no channel has code '9'
    /// assert!(ShareToken::parse("wAbCdEfGh-_<").is_none());
    /// ```
    pub fn parse(value: &str) -> Option<ShareToken> {
        let bytes = value.as_bytes();
        if bytes.len() != TOKEN_LEN
            || Channel::from_code(bytes[0]).is_none()
            || !bytes[TOKEN_LEN - 1].is_ascii_alphanumeric()
            || !bytes.iter().all(|&b| is_token_char(b))
        {
            return None;
        }
        let mut out = [0u8; TOKEN_LEN];
        out.copy_from_slice(bytes);
        Some(ShareToken(out))
    }

    /// The channel this token was minted for.
    ///
    /// ```
    /// use lanterne::core::{channel::Channel, token::ShareToken};
    /// assert_eq!(ShareToken::parse("aAAAAAAAAAAA").unwrap().channel(), Channel::AddressBar);
    /// ```
    pub fn channel(&self) -> Channel {
        // `parse` and `mint` only build tokens with a known code.
        Channel::from_code(self.0[0]).unwrap_or(Channel::Copy)
    }

    /// The token's 12 characters.
    ///
    /// ```
    /// use lanterne::core::token::ShareToken;
    /// assert_eq!(ShareToken::parse("cAAAAAAAAAAA").unwrap().as_str(), "cAAAAAAAAAAA");
    /// ```
    pub fn as_str(&self) -> &str {
        // SAFETY: `mint` and `parse` only ever store ASCII bytes, which are valid UTF-8.
        // (Checked UTF-8 validation here costs 700 bytes of wasm for nothing.)
        unsafe { core::str::from_utf8_unchecked(&self.0) }
    }
}

impl core::fmt::Debug for ShareToken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `b` may appear in a token (and in a token parameter's value).
pub fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn minted_tokens_are_valid_for_every_channel() {
        for channel in Channel::all() {
            for seed in [[0u8; 9], [255u8; 9], [0x5a; 9]] {
                let token = ShareToken::mint(channel, &seed);
                assert_eq!(ShareToken::parse(token.as_str()), Some(token));
                assert_eq!(token.channel(), channel);
            }
        }
    }

    #[test]
    fn rejects_malformed_values() {
        for bad in [
            "",
            "c",
            "cAAAAAAAAAA",
            "cAAAAAAAAAAAA",
            "cAAAAAAAAAA_",
            "cAAAAAAAAAA-",
            "cAAAA AAAAAA",
            "cAAAAAAAAAAé",
            "!AAAAAAAAAAA",
            "cAAAA%AAAAAA",
            "zAAAAAAAAAAA",
        ] {
            assert_eq!(ShareToken::parse(bad), None, "{bad:?} must be rejected");
        }
    }

    proptest! {
        #[test]
        fn different_randomness_gives_different_tokens(a in any::<[u8; 9]>(), b in any::<[u8; 9]>()) {
            // The first 60 bits of randomness map one-to-one onto characters 1..=10.
            let (ta, tb) = (ShareToken::mint(Channel::Copy, &a), ShareToken::mint(Channel::Copy, &b));
            let low = |r: &[u8; 9]| u64::from_le_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]) & ((1 << 60) - 1);
            if low(&a) != low(&b) { prop_assert_ne!(ta, tb); }
        }

        #[test]
        fn parse_accepts_only_twelve_token_chars(s in "\\PC{0,20}") {
            if let Some(t) = ShareToken::parse(&s) {
                prop_assert_eq!(t.as_str(), s.as_str());
                prop_assert!(s.len() == 12 && s.bytes().all(is_token_char));
            }
        }
    }
}
