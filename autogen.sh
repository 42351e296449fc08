#!/bin/sh
# Creates ./configure from a git checkout (release tarballs ship it).
exec autoreconf --force --install "$(dirname "$0")"
