"""The forward door's marks on a flow (`flow.metadata`), shared by its hooks and the modules they call."""

GENERATED = "a11y.generated"  # a response we made (refusal, own endpoint, cached page): nothing more to do
OWN = "a11y.own"  # a request for our own files and endpoints under links.OWN_BASE
NAV = "a11y.nav"  # a top-level page load: the only kind of response the door changes
CLIENT = "a11y.client"  # the browser's address
PERSONAL = "a11y.personal"  # the request carried the user's Cookie or Authorization
PREFS = "a11y.prefs"  # the reader's Prefs for this request
SET_COOKIES = "a11y.set_cookies"  # our cookies to set on the response
SITE_COOKIES = "a11y.site_cookies"  # the site's response set cookies (seen before ours are added)
