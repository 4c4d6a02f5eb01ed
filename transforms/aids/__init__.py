"""Reading aids a reader switches on for themselves: 繁體 (the text in traditional characters, OpenCC) and
拼音 (ruby pinyin over the article text, pypinyin). They change how a text is shown, never what it says:
the speech text and the server's audio are made from the page as written.

May import: the core leaves (`transforms.article`, `transforms.context`). Never a stage, `pipeline` or
`proxy`."""
