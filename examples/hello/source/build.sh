#!/bin/sh
# Turns the greeting into a "build": an upper-cased copy and a word count.
set -e
mkdir -p dist
tr '[:lower:]' '[:upper:]' < greeting.txt > dist/GREETING.txt
wc -w < greeting.txt | tr -d ' ' > dist/words.txt
