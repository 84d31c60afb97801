//! What delivery does after a request (docs/events.md#delivery): which answers are
//! retried, how long to wait, and what a `Retry-After` header asks for. The browser layer
//! keeps the timers and the queue's record.

/// First retry delay in ms; doubles up to [`MAX_RETRY_MS`].
pub const FIRST_RETRY_MS: f64 = 1000.0;
/// Longest retry delay in ms.
pub const MAX_RETRY_MS: f64 = 60_000.0;
/// Longest wait a `Retry-After` is followed for, in ms.
pub const MAX_RETRY_AFTER_MS: f64 = 3_600_000.0;

/// What becomes of a batch once its request has an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: delivered, out of the queue.
    Delivered,
    /// No answer (0: a network error or a timeout), 408, 429 or 5xx: kept and retried.
    Retry,
    /// Any other answer: the endpoint refuses these events, and would again.
    Refused,
}

/// The outcome of an HTTP status (0 for no answer).
///
/// ```
/// use lanterne::core::retry::{outcome, Outcome};
/// assert_eq!(outcome(204), Outcome::Delivered);
/// assert_eq!((outcome(0), outcome(429), outcome(503)), (Outcome::Retry, Outcome::Retry, Outcome::Retry));
/// assert_eq!((outcome(400), outcome(413)), (Outcome::Refused, Outcome::Refused));
/// ```
pub fn outcome(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        0 | 408 | 429 | 500.. => Outcome::Retry,
        _ => Outcome::Refused,
    }
}

/// The wait a `Retry-After` header asks for, in ms: whole seconds, or an HTTP date, which
/// `date` turns into a wait (the browser's `Date.parse` minus now; `NaN` when it is none).
/// At most an hour; `None` when the value says nothing usable (empty, neither form, or a
/// time already past).
///
/// ```
/// use lanterne::core::retry::retry_after_ms;
/// let never = |_: &str| f64::NAN;
/// assert_eq!(retry_after_ms(" 120 ", never), Some(120_000.0));
/// assert_eq!(retry_after_ms("99999", never), Some(3_600_000.0));
/// assert_eq!(retry_after_ms("0", never), None);
/// assert_eq!(retry_after_ms("", never), None);
/// assert_eq!(retry_after_ms("soon", never), None);
/// assert_eq!(retry_after_ms("Wed, 21 Oct 2099 07:28:00 GMT", |_| 5_000.0), Some(5_000.0));
/// ```
pub fn retry_after_ms(value: &str, date: impl FnOnce(&str) -> f64) -> Option<f64> {
    let value = value.trim();
    let mut ms = 0.0;
    for b in value.bytes() {
        if !b.is_ascii_digit() {
            ms = f64::NAN;
            break;
        }
        ms = ms * 10.0 + f64::from(b - b'0') * 1000.0;
    }
    if value.is_empty() {
        return None;
    }
    if ms.is_nan() {
        ms = date(value);
    }
    // (A NaN is not greater than 0.)
    (ms > 0.0).then(|| ms.min(MAX_RETRY_AFTER_MS))
}

/// The next wait after a failure: the current delay with full jitter in its upper half
/// (`random` in [0, 1), so tabs and visitors do not retry in step), and the delay after
/// that (doubled, at most [`MAX_RETRY_MS`]).
///
/// ```
/// use lanterne::core::retry::{backoff, FIRST_RETRY_MS};
/// assert_eq!(backoff(FIRST_RETRY_MS, 0.0), (500.0, 2000.0));
/// assert_eq!(backoff(40_000.0, 0.5), (30_000.0, 60_000.0));
/// ```
pub fn backoff(delay: f64, random: f64) -> (f64, f64) {
    (
        delay * (0.5 + random / 2.0),
        (delay * 2.0).min(MAX_RETRY_MS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_stay_within_their_bounds() {
        let mut delay = FIRST_RETRY_MS;
        for i in 0..20 {
            let random = f64::from(i) / 20.0;
            let (wait, next) = backoff(delay, random);
            assert!(wait >= delay / 2.0 && wait < delay, "{wait} for {delay}");
            assert!(next <= MAX_RETRY_MS && next >= delay.min(MAX_RETRY_MS));
            delay = next;
        }
        assert_eq!(delay, MAX_RETRY_MS);
        for value in ["1", "3600", "86400", "18446744073709551616"] {
            let ms = retry_after_ms(value, |_| f64::NAN).unwrap();
            assert!(ms > 0.0 && ms <= MAX_RETRY_AFTER_MS, "{value}: {ms}");
        }
        assert_eq!(
            retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", |_| -9.0),
            None
        );
        assert_eq!(retry_after_ms("-5", |_| f64::NAN), None);
    }
}
