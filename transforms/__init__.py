"""Pure transforms on lxml trees and Article objects. Nothing here does I/O or imports `proxy`."""
