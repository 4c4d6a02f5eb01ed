/* toolbar: filled in by the toolbar work */
