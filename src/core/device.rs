//! What kind of device a browser runs on, from what `navigator` says: share buttons differ
//! on phones and tablets (Messenger has no web dialog there).

use super::chars::find_str;

/// Whether this is a phone or tablet: `navigator.userAgentData.mobile`, a mobile user
/// agent, or a "Mac" with a touch screen (iPadOS Safari says it is a Mac; a Mac has none).
///
/// ```
/// use lanterne::core::device::is_mobile;
/// assert!(is_mobile(false, "Mozilla/5.0 (Linux; Android 14) Mobile Safari", 5.0, "Linux armv8l"));
/// assert!(is_mobile(false, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari", 5.0, "MacIntel"));
/// assert!(!is_mobile(false, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari", 0.0, "MacIntel"));
/// assert!(!is_mobile(false, "Mozilla/5.0 (X11; Linux x86_64) Chrome/156", 0.0, "Linux x86_64"));
/// ```
pub fn is_mobile(
    ua_data_mobile: bool,
    user_agent: &str,
    max_touch_points: f64,
    platform: &str,
) -> bool {
    let user_agent = user_agent.to_ascii_lowercase();
    ua_data_mobile
        || ["mobi", "android", "iphone", "ipad", "ipod"]
            .iter()
            .any(|m| find_str(&user_agent, m).is_some())
        || (max_touch_points > 1.0 && find_str(platform, "Mac").is_some())
}
