"""moto server as the local stack runs it: moto's own server with one repair.

moto's DynamoDB transaction (moto/dynamodb/models/__init__.py,
DynamoDBBackend.transact_write_items) snapshots every table it touches with
copy.deepcopy before it writes, to roll back on a failed condition: once per
transaction item, and while the server's other request threads may be writing to
the same table. A write that lands during the copy makes it fail with
"RuntimeError: dictionary changed size during iteration", and the transaction is
answered 500; the copies also cost time that grows with the table. Here each table
is copied once per transaction, and a copy that meets a concurrent change is taken
again. What the transaction does is unchanged: the snapshot is only the state to
roll back to.

Run as moto_server is: python motoserver.py -H <host> -p <port>.
"""

import copy
import sys
import threading

import moto.dynamodb.models as models
from moto.server import main

_deepcopy = copy.deepcopy


def _copy_settled(value):
    """A deep copy of value, taken again when another thread changed it meanwhile."""
    for _ in range(50):
        try:
            return _deepcopy(value)
        except RuntimeError:
            continue
    return _deepcopy(value)


class _Copier:
    """Stands in for the copy module inside moto.dynamodb.models."""

    def __init__(self):
        self._local = threading.local()

    def deepcopy(self, value, memo=None):
        cache = getattr(self._local, "cache", None)
        if cache is None:
            return _copy_settled(value)
        key = id(value)
        if key not in cache:
            cache[key] = _copy_settled(value)
        return cache[key]

    def begin(self):
        self._local.cache = {}

    def end(self):
        self._local.cache = None


_copier = _Copier()
models.copy = _copier
_transact = models.DynamoDBBackend.transact_write_items


def _transact_write_items(self, transact_items):
    _copier.begin()
    try:
        return _transact(self, transact_items)
    finally:
        _copier.end()


models.DynamoDBBackend.transact_write_items = _transact_write_items

if __name__ == "__main__":
    sys.exit(main())
