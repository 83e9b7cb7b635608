"""Session keys that more than one module reads: one place for each name.

Pages and components keep their private keys to themselves; the keys here cross a boundary (a
link sets them before the page that owns them runs, or the sidebar and a page share them).
"""

DRAWING = "_drawing"
"""The current drawing: vae_core.data.drawing.encode_drawing's text ("" = none)."""
CLOUD_K = "pg_cloud_k"
"""The Explorer's Samples K slider (a view of ExplorerView.k)."""
POSTERIOR = "pg_heat"
"""The Explorer's "True posterior p(z|x)" toggle (a view of ExplorerView.posterior)."""
EXPLORER = "explorer_view"
"""The Explorer as one object (ui.view_state.ExplorerView): choices, pipelines, K, posterior."""
TOUR = "tour_view"
"""The tour as one object (ui.view_state.TourView): step, revealed answers, each step's pipeline."""
UPLOAD = "_last_upload"
"""The session's last usable upload: (sha256 hex, escaped name, float32 (1, 1, 28, 28)); a link
saying input=upload finds it here when it comes back by the browser's Back or Forward."""
