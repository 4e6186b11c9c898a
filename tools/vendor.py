"""Fetch the two JavaScript libraries the built book serves itself, so it needs no network.

    python tools/vendor.py            # into .venv/vendor (what the Makefile does once)
    python tools/vendor.py --check    # exit 1 if they are missing

The book's math is typeset by MathJax 3 and its slides run on reveal.js 4. Both are
taken from the npm registry as pinned tarballs and checked against the registry's
sha512 integrity string before anything is unpacked, so every machine serves the same
bytes. This is set-up time, like ``pip install``; building and reading the book never
touch the network.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / ".venv" / "vendor"

#: name -> (version, sha512 integrity from the npm registry, folders of the package to keep)
ASSETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "mathjax": (
        "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        ("es5",),
    ),
    "reveal.js": (
        "4.6.1",
        "sha512-1CW0auaXNPmwmvQ7TwpszwVxMi2Xr5cTS3J3EBC/HHgbPF32Dn7aiu/LKWDOGjMbaDwKQiGmfqcoGQ74HUHCMw==",
        ("dist", "plugin"),
    ),
}


def target(name: str) -> Path:
    """Folder the asset is unpacked into (``.venv/vendor/<name>-<version>``)."""
    version = ASSETS[name][0]
    return VENDOR / f"{name}-{version}"


def _download(name: str) -> bytes:
    version, integrity, _ = ASSETS[name]
    url = f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"{name} {version}: checksum mismatch ({digest} != {integrity})")
    return data


def fetch(name: str) -> Path:
    """Download, verify and unpack one asset unless it is already there."""
    dest = target(name)
    if (dest / ".complete").exists():
        return dest
    _, _, keep = ASSETS[name]
    data = _download(name)
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = [
            m
            for m in tar.getmembers()
            if m.isfile() and m.name.split("/")[1:2] and m.name.split("/")[1] in keep
        ]
        for member in members:
            member.name = member.name.split("/", 1)[1]  # drop the leading "package/"
        tar.extractall(tmp, members=members, filter="data")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    (dest / ".complete").touch()
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check they are there")
    args = parser.parse_args(argv)
    for name in ASSETS:
        if args.check:
            if not (target(name) / ".complete").exists():
                print(f"missing: {target(name)} (run: python tools/vendor.py)")
                return 1
            continue
        print(f"{name}: {fetch(name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
