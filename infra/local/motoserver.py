"""moto server as the local stack runs it: moto's own server with two repairs.

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

The rollback puts the snapshot in the table's place: a write another request
thread made to that table while the transaction ran would be lost with it, and
the table's stream shard is replaced by the snapshot's (infra/local/streams.go
reads on from the new one). So the backend's writes take one lock: a write waits
for a transaction on any table to end, and nothing lands between a transaction's
snapshot and its rollback.

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

_writes = threading.RLock()


def _one_at_a_time(method):
    def locked(self, *args, **kwargs):
        with _writes:
            return method(self, *args, **kwargs)

    return locked


for _name in ("put_item", "update_item", "delete_item", "transact_write_items"):
    setattr(models.DynamoDBBackend, _name, _one_at_a_time(getattr(models.DynamoDBBackend, _name)))

if __name__ == "__main__":
    sys.exit(main())
