"""Pure transforms on lxml trees and Article objects. Nothing here does I/O or imports `proxy`.

The core leaves (`article`, `context`, `registry`, `parse`, `css`) import no stage; the stages (`sanitize`,
`links`, `extract/`, `render/`, `speech/`) import only the core, and `sanitize` also `links` (a page's CSS is
sanitised with its URLs rewritten); `pipeline` imports every stage and runs a mode."""
