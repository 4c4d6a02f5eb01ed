"""The command line (`a11y-proxy serve | render | extract | speak`, `python -m proxy`): the top layer.

May import every other part of `proxy` and `transforms`; nothing imports it."""
