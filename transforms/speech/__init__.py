"""Speech text: an Article as sentences to say (`text`), split (`split`) and normalised for reading aloud
(`normalise`: numbers, dates, units).

May import: the core leaves (`transforms.article`, `transforms.context`). Never the other stage packages,
`transforms.pipeline` or `proxy`."""
