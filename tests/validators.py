"""Validators of reflow's output shared by the tests: the shipped RELAX NG schema and the TEI P5 DTD."""

from __future__ import annotations

import functools
import importlib.metadata

import lxml.etree as etree

from reflow.render.tei import tei_schema


@functools.cache
def tei_dtd() -> etree.DTD:
    """The TEI P5 DTD shipped with trafilatura, located through its distribution metadata.

    ``importlib.resources.files("trafilatura")`` would import trafilatura, which pulls in unrelated
    dependencies; the DTD is a data file, so it is found without importing the package.
    """
    path = importlib.metadata.distribution("trafilatura").locate_file("trafilatura/data/tei_corpus.dtd")
    return etree.DTD(str(path))


def parse_tei(output: str) -> etree._Element:
    return etree.fromstring(output.encode("utf-8"))


def assert_valid_tei(output: str) -> etree._Element:
    """Validate against reflow's schema and TEI's DTD; the DTD has no root declaration, so it checks
    the ``TEI`` element (the DTD declares it alongside ``teiCorpus``) and everything below it."""
    root = parse_tei(output)
    schema = tei_schema()
    assert schema.validate(root), schema.error_log
    dtd = tei_dtd()
    assert dtd.validate(root), dtd.error_log
    return root
