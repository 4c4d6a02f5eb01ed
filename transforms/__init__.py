"""Pure transforms on lxml trees and Article objects. Nothing here does I/O or imports `proxy`.

The core leaves (`article`, `context`, `registry`, `parse`, `css`, `tablegrid`) import no stage; the stages
(`sanitize`, `links`, `extract/`, `render/`, `speech/`, `aids/`) import only the core, `sanitize` also `links` (a
page's CSS is sanitised with its URLs rewritten) and `render` also `aids` (繁體 and 拼音 on the pages it makes);
`pipeline` imports every stage and runs a mode."""
