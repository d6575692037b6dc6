"""moto server as the local stack runs it: moto's own server with one repair.

moto's DynamoDB transaction (moto/dynamodb/models/__init__.py,
DynamoDBBackend.transact_write_items) snapshots every table it touches with
copy.deepcopy before it writes, and on a failed condition puts the snapshot in
the table's place. That costs time that grows with the table (a table of tens of
thousands of items takes most of a second per transaction, long enough for the
functions' calls to time out under load); the copy fails with "dictionary changed
size during iteration" when another request thread writes meanwhile; a write that
lands between the snapshot and the rollback is lost; and the rolled-back table
has the snapshot's own stream shard, so a stream reader holding the old one reads
nothing more.

Here a transaction snapshots only what it may change: the items its operations
name, and how many records each touched table's stream holds. On failure it puts
those items back as they were and drops the stream records its writes added,
keeping the table and its shard. The backend's writes take one lock, so nothing
else writes while a transaction runs, and the records dropped are exactly its
own. What a transaction does when it succeeds is unchanged.

Run as moto_server is: python motoserver.py -H <host> -p <port>.
"""

import copy
import sys
import threading

import moto.dynamodb.models as models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.server import main

_deepcopy = copy.deepcopy


class _Copier:
    """Stands in for the copy module inside moto.dynamodb.models: during a
    transaction a table's snapshot is the table itself (the transaction keeps its
    own undo list instead); every other copy is a real one."""

    def __init__(self):
        self._local = threading.local()

    def deepcopy(self, value, memo=None):
        if getattr(self._local, "live", False) and isinstance(value, Table):
            return value
        return _deepcopy(value, memo)

    def begin(self):
        self._local.live = True

    def end(self):
        self._local.live = False


_copier = _Copier()
models.copy = _copier
_transact = models.DynamoDBBackend.transact_write_items
_writes = threading.RLock()


def _key(table, op):
    attrs = op.get("Item") if "Item" in op else op.get("Key")
    if not attrs or table.hash_key_attr not in attrs:
        return None
    hk = DynamoType(attrs[table.hash_key_attr])
    rk = None
    if table.range_key_attr is not None:
        if table.range_key_attr not in attrs:
            return None
        rk = DynamoType(attrs[table.range_key_attr])
    return hk, rk


def _current(table, hk, rk):
    if table.range_key_attr is not None:
        item = table.items.get(hk, {}).get(rk)
    else:
        item = table.items.get(hk)
    return None if item is None else _deepcopy(item)


def _put_back(table, hk, rk, item):
    if table.range_key_attr is not None:
        bucket = table.items[hk]
        if item is None:
            bucket.pop(rk, None)
            if not bucket:
                table.items.pop(hk, None)
        else:
            bucket[rk] = item
    elif item is None:
        table.items.pop(hk, None)
    else:
        table.items[hk] = item


def _transact_write_items(self, transact_items):
    with _writes:
        undo, streams = [], {}
        for entry in transact_items or []:
            try:
                _, op = next(iter(entry.items()))
                table = self.tables.get(op.get("TableName"))
            except (StopIteration, AttributeError):
                continue
            if table is None:
                continue
            key = _key(table, op)
            if key is not None:
                undo.append((table, key[0], key[1], _current(table, *key)))
            shard = getattr(table, "stream_shard", None)
            if shard is not None and id(shard) not in streams:
                streams[id(shard)] = (shard, len(shard.items))
        _copier.begin()
        try:
            return _transact(self, transact_items)
        except Exception:
            for table, hk, rk, item in reversed(undo):
                _put_back(table, hk, rk, item)
            for shard, n in streams.values():
                del shard.items[n:]
            raise
        finally:
            _copier.end()


def _one_at_a_time(method):
    def locked(self, *args, **kwargs):
        with _writes:
            return method(self, *args, **kwargs)

    return locked


models.DynamoDBBackend.transact_write_items = _transact_write_items
for _name in ("put_item", "update_item", "delete_item"):
    setattr(models.DynamoDBBackend, _name, _one_at_a_time(getattr(models.DynamoDBBackend, _name)))

if __name__ == "__main__":
    sys.exit(main())
