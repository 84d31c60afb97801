//! Minifies the share buttons' stylesheet (`js/lanterne.css`) into the build, for the
//! browser layer to adopt (`src/browser/style.rs`): comments out, white space collapsed
//! and dropped around `{ } ; , :`. The stylesheet has no strings or `url()`s for that to
//! break; the end-to-end tests check the styles apply.

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=js/lanterne.css");
    let css = fs::read_to_string("js/lanterne.css").expect("js/lanterne.css");
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("lanterne.min.css");
    fs::write(out, minify(&css)).expect("write the minified stylesheet");
}

fn minify(css: &str) -> String {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(collapsed.len());
    let mut chars = collapsed.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' '
            && (out.ends_with(['{', '}', ';', ',', ':'])
                || matches!(chars.peek(), Some('{' | '}' | ';' | ',')))
        {
            continue;
        }
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
    }
    out
}
