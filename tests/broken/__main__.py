"""Serve one broken implementation: ``python -m tests.broken NAME --port N``."""

import argparse

import uvicorn

from tests.broken import BROKEN, build

parser = argparse.ArgumentParser()
parser.add_argument("name", choices=sorted(BROKEN))
parser.add_argument("--port", type=int, required=True)
args = parser.parse_args()
uvicorn.run(build(args.name), host="127.0.0.1", port=args.port, log_level="warning")
