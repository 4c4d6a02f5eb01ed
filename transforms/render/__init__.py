"""Rendering: layouts of an Article per mode, the proxy's own pages (home, error, settings), the original page
cleaned for orig mode, UI strings, the jinja2 templates and the static assets (CSS, the toolbar's JS).

May import: the core leaves (`transforms.article`, `transforms.context`, `transforms.registry`,
`transforms.parse`) and the reading aids (`transforms.aids`: 繁體 and 拼音 on what it shows). Never `transforms.extract`, `transforms.speech`, `transforms.pipeline` or `proxy`."""
