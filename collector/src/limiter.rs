//! The rate limit of `POST /collect`: a token bucket per client address, counted in
//! events (a batch of n events takes n tokens; docs/collector.md).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often addresses whose bucket is full again are forgotten: a full bucket is what a
/// new address gets, so forgetting it changes no answer, and a client's address is not
/// kept in memory longer than its requests need (docs/privacy.md).
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Token buckets by client address: each holds up to `burst` events and refills at
/// `rate` a second.
#[derive(Default)]
pub(crate) struct Limiter {
    buckets: Mutex<Buckets>,
}

/// The buckets, and when those full again were last forgotten.
#[derive(Default)]
struct Buckets {
    by_client: HashMap<IpAddr, (f64, Instant)>,
    swept: Option<Instant>,
}

impl Limiter {
    /// Takes one token from `client`'s bucket; `Err(seconds)` to wait when it is empty.
    #[cfg(test)]
    pub(crate) fn take(
        &self,
        client: IpAddr,
        rate: f64,
        burst: f64,
        now: Instant,
    ) -> Result<(), u64> {
        self.take_n(client, 1.0, rate, burst, now)
    }

    /// Takes `n` tokens from `client`'s bucket, or none: `Err(seconds)` until it holds
    /// `n`.
    pub(crate) fn take_n(
        &self,
        client: IpAddr,
        n: f64,
        rate: f64,
        burst: f64,
        now: Instant,
    ) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        // Forget the addresses whose bucket is full again, every minute, and at once when
        // many are known (the map stays bounded under a flood).
        let due = buckets
            .swept
            .is_none_or(|at| now.duration_since(at) >= SWEEP_EVERY);
        if due || buckets.by_client.len() > 50_000 {
            buckets.by_client.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
            buckets.swept = Some(now);
        }
        let (tokens, at) = buckets.by_client.entry(client).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= n {
            *tokens -= n;
            Ok(())
        } else {
            Err(((n - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }

    /// Gives `n` tokens back to `client`'s bucket (a request refused after taking them).
    pub(crate) fn give_back(&self, client: IpAddr, n: f64, burst: f64) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((tokens, _)) = buckets.by_client.get_mut(&client) {
            *tokens = (*tokens + n).min(burst);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn buckets_refill_at_their_rate() {
        let limiter = super::Limiter::default();
        let ip: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = std::time::Instant::now();
        assert!(limiter.take(ip, 2.0, 3.0, t0).is_ok());
        assert!(limiter.take(ip, 2.0, 3.0, t0).is_ok());
        assert!(limiter.take(ip, 2.0, 3.0, t0).is_ok());
        assert_eq!(limiter.take(ip, 2.0, 3.0, t0), Err(1));
        let other: std::net::IpAddr = "192.0.2.2".parse().unwrap();
        assert!(
            limiter.take(other, 2.0, 3.0, t0).is_ok(),
            "each address its own bucket"
        );
        let later = t0 + std::time::Duration::from_millis(600);
        assert!(limiter.take(ip, 2.0, 3.0, later).is_ok(), "refilled by 1.2");
        assert_eq!(limiter.take(ip, 2.0, 3.0, later), Err(1));
    }

    #[test]
    fn a_batch_takes_a_token_per_event() {
        let limiter = super::Limiter::default();
        let ip: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = std::time::Instant::now();
        // A full queue flushed at once passes from a fresh address.
        assert!(limiter.take_n(ip, 1000.0, 100.0, 2000.0, t0).is_ok());
        assert!(limiter.take_n(ip, 1000.0, 100.0, 2000.0, t0).is_ok());
        // Empty: the next 1,000 need 10 s at 100 a second; refused takes nothing.
        assert_eq!(limiter.take_n(ip, 1000.0, 100.0, 2000.0, t0), Err(10));
        let later = t0 + std::time::Duration::from_millis(500);
        assert_eq!(limiter.take_n(ip, 1000.0, 100.0, 2000.0, later), Err(10));
        assert!(limiter.take_n(ip, 50.0, 100.0, 2000.0, later).is_ok());
        limiter.give_back(ip, 1.0, 2000.0);
        assert!(limiter.take_n(ip, 1.0, 100.0, 2000.0, later).is_ok());
        assert_eq!(limiter.take_n(ip, 1.0, 100.0, 2000.0, later), Err(1));
    }

    #[test]
    fn an_address_is_forgotten_within_a_minute_of_its_bucket_refilling() {
        let limiter = super::Limiter::default();
        let known = |l: &super::Limiter| l.buckets.lock().unwrap().by_client.len();
        let ip: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        let busy: std::net::IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = std::time::Instant::now();
        let at = |s: u64| t0 + std::time::Duration::from_secs(s);
        assert!(limiter.take_n(ip, 2000.0, 100.0, 2000.0, t0).is_ok());
        // Refilled after 20 s, but kept until the minute's sweep.
        assert!(limiter.take_n(busy, 1500.0, 100.0, 2000.0, at(50)).is_ok());
        assert_eq!(known(&limiter), 2);
        // The sweep at 60 s forgets `ip` (full since 20 s) and keeps `busy` (1 500 of 2 000).
        assert!(limiter.take_n(busy, 1.0, 100.0, 2000.0, at(60)).is_ok());
        assert_eq!(known(&limiter), 1);
        // Forgetting changed no answer: `ip` comes back to a full bucket, as it had, and
        // `busy` still has only what it had (1 499 + 100).
        assert!(limiter.take_n(ip, 2000.0, 100.0, 2000.0, at(61)).is_ok());
        assert_eq!(limiter.take_n(busy, 1600.0, 100.0, 2000.0, at(61)), Err(1));
    }
}
