"""Tests of the content domain: loader, checks, Markdown, sync."""
