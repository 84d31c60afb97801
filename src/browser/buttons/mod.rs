//! Share buttons (docs/share-buttons.md): rows of real `<a>` and `<button>`
//! elements drawn from the core's markup ([`row`]), the containers a page declares
//! ([`containers`]), brand icons ([`icons`]) and the stylesheet ([`style`]).
//!
//! A tracker's [`ShareHost`] is what its rows share: the session, reporting, the
//! `onShare` subscribers, and the rows themselves. A row holds a weak handle on its host:
//! once the tracker is stopped, its links are left to the browser.

pub mod containers;
pub mod icons;
pub mod row;
pub mod style;

use super::reporting::subscribers::Subscribers;
use super::reporting::Reporting;
use super::session::Session;
use crate::core::channel::Channel;
use crate::core::event::EventKind;
use crate::core::share::{tracked_url, ShareContent, ShareTarget, Unavailable};
use crate::core::token::ShareToken;
use crate::prelude::*;
use crate::web::page::{href, random_bytes};
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use row::Row;
use web_sys::Element;

/// The selector of the containers lanterne draws into by itself.
pub const CONTAINER: &str = "[data-lanterne-share]";

std::thread_local! {
    /// Which row owns which element, across trackers: a container gets one row, however
    /// many trackers a page starts (the script tag and an app's own `start()`).
    static OWNERS: RefCell<Vec<(Element, Weak<Row>)>> = const { RefCell::new(Vec::new()) };
}

/// The row drawn into `element`, if any (by any tracker).
pub fn owner(element: &Element) -> Option<Rc<Row>> {
    OWNERS.with(|owners| {
        let mut owners = owners.borrow_mut();
        // Rows let go of are forgotten here too: the list never grows past the rows alive.
        owners.retain(|(_, row)| row.strong_count() > 0);
        owners
            .iter()
            .find(|(e, _)| e == element)
            .and_then(|(_, row)| row.upgrade())
    })
}

/// What a row shares and how it looks.
pub struct RowSettings {
    /// Which buttons, in order.
    pub channels: Vec<Channel>,
    /// The page shared (absolute), this page when `None`.
    pub url: Option<String>,
    /// Its title, `document.title` at the click when `None`.
    pub title: Option<String>,
    /// A message to go with it, where the channel takes one (may be empty).
    pub text: String,
    /// Labels beside the icons (`false`: icon-only, the name stays accessible).
    pub labels: bool,
}

/// How a share's URL is made (see [`ShareHost::prepare`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A share happening: a fresh token and UTM parameters (without tracking: neither).
    Share,
    /// A drawn button's link, before any click: UTM parameters, no token (each click
    /// gives it one; without tracking, neither).
    Drawn,
    /// The URL exactly as a share listener left it.
    AsGiven,
}

/// A share about to happen, or a link to draw.
pub struct Prepared {
    /// The shared page without lanterne's token (what the event reports).
    pub page: String,
    /// The URL shared: with its token and UTM parameters, unless tracking is off.
    pub url: String,
    /// The fresh token in `url`: none for a drawn link, or when tracking is off.
    pub token: Option<ShareToken>,
    /// Where sharing `url` sends the visitor.
    pub target: ShareTarget,
}

/// What a tracker's rows share.
pub struct ShareHost {
    /// The tracker's config and what follows from it.
    pub session: Rc<Session>,
    reporting: Rc<Reporting>,
    /// `onShare()` and `on("share")`: every share from a button before it happens.
    pub shares: Subscribers,
    stopped: Cell<bool>,
    /// The rows drawn, kept until `stop()`, a new row in their element, or their element
    /// leaving the page after having been in it ([`ShareHost::prune`]).
    rows: RefCell<Vec<Rc<Row>>>,
}

impl ShareHost {
    /// The share host of a tracker.
    pub fn new(session: Rc<Session>, reporting: Rc<Reporting>) -> Rc<ShareHost> {
        Rc::new(ShareHost {
            session,
            reporting,
            shares: Subscribers::default(),
            stopped: Cell::new(false),
            rows: RefCell::default(),
        })
    }

    /// Whether the tracker was stopped.
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    /// The tracker stops: every row is removed (putting back what its element held), and
    /// every share subscriber forgotten.
    pub fn stop(&self) {
        self.stopped.set(true);
        let rows = core::mem::take(&mut *self.rows.borrow_mut());
        for row in rows {
            row.remove();
        }
        self.shares.clear();
    }

    /// Draws buttons into `element`, replacing any row drawn there (by any tracker).
    pub fn render(self: &Rc<Self>, element: &Element, settings: RowSettings) -> Rc<Row> {
        if let Some(previous) = owner(element) {
            previous.remove();
            let mut rows = self.rows.borrow_mut();
            if let Some(i) = rows.iter().position(|r| Rc::ptr_eq(r, &previous)) {
                rows.remove(i);
            }
        }
        let row = Row::draw(self, element, settings);
        OWNERS.with(|owners| {
            owners
                .borrow_mut()
                .push((element.clone(), Rc::downgrade(&row)))
        });
        self.rows.borrow_mut().push(row.clone());
        row
    }

    /// Lets go of the rows whose element was in the page and has left it (a view a
    /// router took away): their buttons are removed and the element gets back what it
    /// held. A row drawn into an element not yet in the page waits for it.
    pub fn prune(&self) {
        // (Removing a row touches only its own element, not the list.)
        self.rows.borrow_mut().retain(|row| {
            let gone = row.gone();
            if gone {
                row.remove();
            }
            !gone
        });
    }

    /// A share of `url` (this page when `None`) through `channel`: the URL it shares and
    /// where it sends the visitor. `Err` when the channel cannot be offered here.
    pub fn prepare(
        &self,
        channel: Channel,
        url: Option<&str>,
        title: &str,
        text: &str,
        mode: Mode,
    ) -> Result<Prepared, Unavailable> {
        let session = &self.session;
        let c = &session.config;
        let here = href();
        let given = url.unwrap_or(&here);
        let page = session.clean(given);
        let tracking = self.reporting.tracking();
        let (shared, token) = match mode {
            Mode::AsGiven => (given.to_owned(), None),
            _ if !tracking => (page.clone(), None),
            Mode::Share | Mode::Drawn => {
                let token =
                    (mode == Mode::Share).then(|| ShareToken::mint(channel, &random_bytes()));
                let campaign = c.utm_campaign.as_deref();
                let url = tracked_url(
                    &page,
                    channel,
                    token.as_ref(),
                    &c.param,
                    c.placement,
                    c.utm,
                    campaign,
                );
                (url, token)
            }
        };
        // Messenger returns to the page shared from.
        let from = session.clean(&here);
        let content = ShareContent {
            url: &shared,
            title,
            text,
            page: &from,
        };
        let target = channel.share_target(&content, &session.share_settings())?;
        Ok(Prepared {
            page,
            url: shared,
            token,
            target,
        })
    }

    /// Reports a share that happened (nothing without tracking: no token).
    fn report(&self, channel: Channel, token: Option<ShareToken>, page: String, title: String) {
        if let Some(token) = token {
            self.reporting
                .report_share(EventKind::Share, channel, token, page, title);
        }
    }

    /// Remembers a token a link is about to leave with (no self-click later).
    fn remember(&self, token: &ShareToken) {
        self.reporting.remember(token);
    }
}
