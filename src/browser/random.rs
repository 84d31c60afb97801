//! Cryptographic randomness from Web Crypto.

/// `N` random bytes from `crypto.getRandomValues`. Web Crypto is in every browser lanterne
/// supports, workers included; `start()` checks for it so this never runs without it.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}
