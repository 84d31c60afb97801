//! The bookkeeping of the tokens a browser minted (docs/privacy.md): two space-separated
//! lists, the last 500 tokens shared (copies and buttons) and the last 200 of the address
//! bar, so that one token per page view never pushes shared tokens out. A visitor who
//! follows their own link is then not counted as an arrival. The browser layer keeps the
//! lists in `localStorage` (and in memory, where storage refuses them).

use crate::prelude::*;

/// Which list a token goes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// Shares and copies: `localStorage["lanterne:minted"]`, 500 tokens.
    Shared,
    /// Address-bar tokens (their channel code is `a`): `["lanterne:minted-a"]`, 200.
    AddressBar,
}

impl List {
    /// The list of `token`.
    ///
    /// ```
    /// use lanterne::core::minted::List;
    /// assert_eq!(List::of("aAAAAAAAAAA1"), List::AddressBar);
    /// assert_eq!(List::of("wAAAAAAAAAA1"), List::Shared);
    /// ```
    pub fn of(token: &str) -> List {
        if token.starts_with('a') {
            List::AddressBar
        } else {
            List::Shared
        }
    }

    /// Its storage key.
    pub fn key(self) -> &'static str {
        match self {
            List::Shared => "lanterne:minted",
            List::AddressBar => "lanterne:minted-a",
        }
    }

    /// How many tokens it keeps.
    pub fn cap(self) -> usize {
        match self {
            List::Shared => 500,
            List::AddressBar => 200,
        }
    }
}

/// A space-separated list with `token` added, keeping the last `cap`: the items written
/// one space apart, then cut after the `cap`-th space from the end. (No `Vec` of items,
/// no `join`.)
///
/// ```
/// use lanterne::core::minted::appended;
/// assert_eq!(appended("", "a", 2), "a");
/// assert_eq!(appended("a  b ", "c", 2), "b c");
/// ```
pub fn appended(list: &str, token: &str, cap: usize) -> String {
    let mut out = String::new();
    for item in list.split(' ').filter(|t| !t.is_empty()) {
        out.push_str(item);
        out.push(' ');
    }
    out.push_str(token);
    let mut spaces = 0;
    let mut at = out.len();
    while at > 0 {
        at -= 1;
        if out.as_bytes()[at] == b' ' {
            spaces += 1;
            if spaces == cap {
                return out.split_off(at + 1);
            }
        }
    }
    out
}

/// Whether the space-separated `list` holds `token`.
///
/// ```
/// use lanterne::core::minted::holds;
/// assert!(holds("a b c", "b") && !holds("a bc", "b"));
/// ```
pub fn holds(list: &str, token: &str) -> bool {
    list.split(' ').any(|t| t == token)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the stored list (another release's, or damaged), the new one holds the
        /// token, at most `cap` items, the last ones of the old list in their order, and
        /// no empty item.
        #[test]
        fn appending_keeps_the_last_ones(list in "[a-z ]{0,60}", token in "[A-Za-z0-9_-]{12}", cap in 1usize..8) {
            let out = appended(&list, &token, cap);
            let items: Vec<&str> = out.split(' ').collect();
            prop_assert!(items.len() <= cap);
            prop_assert_eq!(*items.last().unwrap(), token.as_str());
            prop_assert!(items.iter().all(|t| !t.is_empty()));
            let old: Vec<&str> = list.split(' ').filter(|t| !t.is_empty()).collect();
            let kept = &items[..items.len() - 1];
            prop_assert_eq!(kept, &old[old.len() - kept.len()..]);
            prop_assert!(holds(&out, &token));
        }
    }

    #[test]
    fn a_full_list_loses_its_oldest() {
        let mut list = String::new();
        for i in 0..600 {
            list = appended(&list, &format!("t{i}"), List::Shared.cap());
        }
        assert_eq!(list.split(' ').count(), 500);
        assert!(!holds(&list, "t99") && holds(&list, "t100") && holds(&list, "t599"));
    }
}
