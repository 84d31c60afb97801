//! lanterne's own markup ([`super::markup`]) read back as a tree of nodes, for pages that
//! enforce Trusted Types (`require-trusted-types-for 'script'`), where `innerHTML` and
//! `insertAdjacentHTML` refuse strings: there the second module builds the same elements
//! one by one (docs/share-buttons.md#trusted-types). It reads only what lanterne writes:
//! elements with double-quoted attributes, `/>` or void elements, text, and the four
//! entities [`escape_html`](super::attribution::escape_html) writes.

use crate::prelude::*;

/// A node of lanterne's markup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element {
        /// Its tag name, as written (`a`, `svg`, `path`…).
        name: String,
        /// Its attributes in order, values unescaped.
        attributes: Vec<(String, String)>,
        /// What it holds, in order (none for a void or self-closed element).
        children: Vec<Node>,
    },
    /// Text, unescaped.
    Text(String),
}

/// Elements that never have children or a closing tag.
const VOID: [&str; 2] = ["input", "br"];

/// The nodes of `html`, lanterne's own markup. Anything else is read as well as it can be,
/// never panicking: an unclosed element ends with the text, a stray `</x>` is dropped.
///
/// ```
/// use lanterne::core::nodes::{nodes, Node};
/// let tree = nodes(r#"<a class="b" href="?x=1&amp;y=&quot;2&quot;"><svg viewBox="0 0 2 2"><path d="M0"/></svg>A &lt;3</a>"#);
/// let Node::Element { name, attributes, children } = &tree[0] else { panic!() };
/// assert_eq!((name.as_str(), attributes[1].1.as_str()), ("a", "?x=1&y=\"2\""));
/// assert_eq!(children[1], Node::Text("A <3".into()));
/// let Node::Element { children: svg, .. } = &children[0] else { panic!() };
/// assert!(matches!(&svg[0], Node::Element { name, children, .. } if name == "path" && children.is_empty()));
/// ```
pub fn nodes(html: &str) -> Vec<Node> {
    let mut rest = html;
    read(&mut rest, None)
}

/// Reads nodes until the closing tag of `parent` (or the end).
fn read(rest: &mut &str, parent: Option<&str>) -> Vec<Node> {
    let mut out = Vec::new();
    while !rest.is_empty() {
        let Some(tag) = rest.strip_prefix('<') else {
            let end = rest.find('<').unwrap_or(rest.len());
            out.push(Node::Text(decode(rest.get(..end).unwrap_or(""))));
            *rest = rest.get(end..).unwrap_or("");
            continue;
        };
        if let Some(closing) = tag.strip_prefix('/') {
            let end = closing.find('>').map_or(closing.len(), |i| i + 1);
            let name = closing.get(..end.saturating_sub(1)).unwrap_or("");
            *rest = closing.get(end..).unwrap_or("");
            if Some(name) == parent {
                return out;
            }
            continue;
        }
        let name_end = tag.find([' ', '>', '/']).unwrap_or(tag.len());
        let name = tag.get(..name_end).unwrap_or("").to_owned();
        let mut attrs = tag.get(name_end..).unwrap_or("");
        let mut attributes = Vec::new();
        let mut closed = false;
        loop {
            attrs = attrs.trim_start_matches(' ');
            if let Some(after) = attrs.strip_prefix("/>") {
                closed = true;
                attrs = after;
                break;
            }
            if let Some(after) = attrs.strip_prefix('>') {
                attrs = after;
                break;
            }
            let Some(eq) = attrs.find("=\"") else {
                attrs = "";
                break;
            };
            let key = attrs.get(..eq).unwrap_or("").to_owned();
            let value_start = attrs.get(eq + 2..).unwrap_or("");
            let value_end = value_start.find('"').unwrap_or(value_start.len());
            attributes.push((key, decode(value_start.get(..value_end).unwrap_or(""))));
            attrs = value_start.get(value_end + 1..).unwrap_or("");
        }
        *rest = attrs;
        let children = if closed || VOID.contains(&name.as_str()) {
            Vec::new()
        } else {
            read(rest, Some(&name))
        };
        out.push(Node::Element {
            name,
            attributes,
            children,
        });
    }
    out
}

/// Text with lanterne's four entities decoded.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or(""));
        rest = rest.get(at..).unwrap_or("");
        let (entity, decoded) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
        ]
        .into_iter()
        .find(|(e, _)| rest.starts_with(e))
        .unwrap_or(("&", '&'));
        out.push(decoded);
        rest = rest.get(entity.len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::channel::Channel;
    use crate::core::markup::{manual_field, push_button, Button, STATUS};
    use crate::core::share::ShareTarget;
    use proptest::prelude::*;

    /// The markup again, as lanterne writes it (attributes escaped, `/>` for paths).
    fn write(nodes: &[Node], out: &mut String) {
        for node in nodes {
            match node {
                Node::Text(text) => crate::core::attribution::escape_html(out, text),
                Node::Element {
                    name,
                    attributes,
                    children,
                } => {
                    out.push('<');
                    out.push_str(name);
                    for (key, value) in attributes {
                        out.push(' ');
                        out.push_str(key);
                        out.push_str("=\"");
                        crate::core::attribution::escape_html(out, value);
                        out.push('"');
                    }
                    if name == "path" {
                        out.push_str("/>");
                    } else if VOID.contains(&name.as_str()) {
                        out.push('>');
                    } else {
                        out.push('>');
                        write(children, out);
                        out.push_str("</");
                        out.push_str(name);
                        out.push('>');
                    }
                }
            }
        }
    }

    #[test]
    fn a_row_and_the_manual_field_read_back_exactly() {
        let mail = ShareTarget::SameTab("mailto:?subject=a&body=\"b\" <c>".into());
        let sheet = ShareTarget::NativeSheet;
        let mut html = String::new();
        for (channel, target, icon) in [
            (Channel::Email, &mail, None),
            (
                Channel::Whatsapp,
                &sheet,
                Some(("0 0 24 24", "<path d=\"M1 1h2\"/><path d=\"M3 3\"/>")),
            ),
        ] {
            let button = Button {
                channel,
                target,
                label: "<L & \"x\">",
                name: "Share on <L>",
                icon,
                waiting: true,
            };
            push_button(&mut html, &button, false);
        }
        html.push_str(STATUS);
        html.push_str(&manual_field("Can't \"copy\""));
        let tree = nodes(&html);
        assert_eq!(tree.len(), 4);
        let mut again = String::new();
        write(&tree, &mut again);
        // The boolean attributes lanterne writes empty (`disabled=""`) stay so.
        assert_eq!(again, html);
    }

    proptest! {
        /// Labels, names and URLs of any text survive the round trip, and nothing panics.
        #[test]
        fn any_text_survives(label in "\\PC{0,40}", url in "\\PC{0,60}") {
            let target = ShareTarget::NewTab(url);
            let mut html = String::new();
            push_button(&mut html, &Button { channel: Channel::Telegram, target: &target, label: &label, name: &label, icon: None, waiting: false }, true);
            let mut again = String::new();
            write(&nodes(&html), &mut again);
            prop_assert_eq!(again, html);
        }

        #[test]
        fn never_panics(html in "\\PC{0,200}") {
            let _ = nodes(&html);
        }
    }
}
