"""Print the model tables of models/README.md and README.md from the checkpoints' own metadata.

    python scripts/model_table.py

Every figure comes from read_metadata (written by python -m vae_core.training.ship); the tests
check that both cards quote them.
"""

from __future__ import annotations

import vae_core
from vae_core.models import read_metadata

ORDER = [
    "mnist-vae-2d",
    "mnist-vae-2d-beta0.1",
    "mnist-vae-2d-beta4",
    "mnist-ae-2d",
    "mnist-vae-16d",
    "mnist-ae-16d",
    "fashion-vae-2d",
    "fashion-ae-2d",
]


def _f(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row_cells(entry: dict, metrics: dict, what_ae: str) -> tuple[str, str]:
    """(β, test −ELBO) cells of one model: β '—' and the figure marked as a reconstruction for an AE."""
    beta = f"{entry['beta']:g}" if entry["beta"] is not None else "—"
    neg = f"**{_f(metrics['neg_elbo'])}**" if entry["kind"] == "vae" else f"{_f(metrics['neg_elbo'])} ({what_ae})"
    return beta, neg


def main() -> None:
    entries = {e["name"]: e for e in vae_core.list_models()}
    names = [n for n in ORDER if n in entries] + sorted(set(entries) - set(ORDER))
    print("| file | data | kind | latent | β | test −ELBO | recon | KL | −L₁₀₀₀ | stored |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        e, m = entries[name], read_metadata(entries[name]["path"])["metrics"]["test"]
        beta, neg = _row_cells(e, m, "recon only")
        print(
            f"| `{name}.safetensors` | {e['dataset']} | {e['kind'].upper()} | {e['latent_dim']} | {beta} | {neg} "
            f"| {_f(m['recon'])} | {_f(m['kl'])} | {_f(m.get('neg_iwae'))} | {m['weights_dtype']} |"
        )
    print()
    print("| name | kind | latent_dim | β | test −ELBO (nats/image) | recon | KL |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        e, m = entries[name], read_metadata(entries[name]["path"])["metrics"]["test"]
        beta, neg = _row_cells(e, m, "reconstruction only")
        print(
            f"| {name} | {e['kind'].upper()} | {e['latent_dim']} | {beta} | {neg} | {_f(m['recon'])} | {_f(m['kl'])} |"
        )
    print()
    print("| 2-D VAE | images | −log p(x) exact | −L₁₀₀₀ | −ELBO | log p(x) − L₁₀₀₀ | log p(x) − ELBO |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        m = read_metadata(entries[name]["path"])["metrics"]["test"]
        if "neg_log_px" in m:
            print(
                f"| `{name}` | {m['exact_n']} | {_f(m['neg_log_px'])} | {_f(m['neg_iwae_on_exact_images'])} "
                f"| {_f(m['neg_elbo_on_exact_images'])} | {_f(m['neg_iwae_on_exact_images'] - m['neg_log_px'])} "
                f"| {_f(m['neg_elbo_on_exact_images'] - m['neg_log_px'])} |"
            )


if __name__ == "__main__":
    main()
