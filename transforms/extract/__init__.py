"""Extraction: from an upstream document to an `Article` (metadata, page type, the article body by CMS
containers or CJK-aware readability, furniture removal, text). `extract` registers the stage.

May import: the core leaves (`transforms.article`, `transforms.context`, `transforms.registry`,
`transforms.parse`). Never `transforms.render`, `transforms.speech`, `transforms.pipeline` or `proxy`."""
