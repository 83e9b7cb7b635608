"""The app's pages, one package each; a page never imports another page."""
