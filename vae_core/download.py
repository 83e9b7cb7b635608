"""``python -m vae_core.download``: the download CLI (it lives in vae_core.data.download)."""

import sys

from .data.download import DATASETS, download_dataset, main, md5sum

__all__ = ["DATASETS", "download_dataset", "main", "md5sum"]

if __name__ == "__main__":
    sys.exit(main())
