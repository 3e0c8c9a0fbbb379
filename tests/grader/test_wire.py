"""The wire format: only plain data crosses the boundary, and malformed frames are refused."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from grader import wire


def roundtrip(value):
    tree, arrays = wire.encode(value)
    header, arrays = wire.unpack(wire.pack({"value": tree}, arrays))
    return wire.decode(header["value"], arrays)


def test_roundtrip_keeps_structure_and_values():
    """Do tuples, lists, dicts, arrays and numbers come back equal, arrays exactly?"""
    value = (np.arange(6.0).reshape(2, 3), [1, 2.5, None, True, "x"], {"W": np.eye(2, dtype=np.float32)})
    back = roundtrip(value)
    assert isinstance(back, tuple) and isinstance(back[1], list)
    np.testing.assert_array_equal(back[0], value[0])  # exact: raw bytes
    assert back[1] == [1, 2.5, None, True, "x"]
    assert back[2]["W"].dtype == np.float32


def test_ndarray_subclass_arrives_as_plain_array():
    """Does an ndarray subclass overriding __eq__ arrive as a plain ndarray?"""

    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return True

    back = roundtrip(np.zeros(3).view(AlwaysEqual))
    assert type(back) is np.ndarray
    assert not np.array_equal(back, np.ones(3))


def test_objects_become_opaque_names():
    """Does an arbitrary object (one whose unpickling would run code) cross only as its type name?"""

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    back = roundtrip([Evil(), np.array(["a"], dtype=object)])
    assert all(isinstance(v, wire.Opaque) for v in back)
    assert back[0].type_name == "Evil"


@pytest.mark.parametrize("frame", [
    wire.PREFIX.pack(5, 0) + b"{bad}",
    wire.PREFIX.pack(2, 0) + b"[]",
    wire.PREFIX.pack(wire.MAX_HEADER + 1, 0),
])
def test_malformed_frames_are_refused(frame):
    """Are non-JSON headers, non-object headers and oversized frames refused with WireError?"""
    with pytest.raises(wire.WireError):
        if wire.frame_size(frame) is not None and len(frame) >= wire.frame_size(frame):
            wire.unpack(frame)
        else:
            raise wire.WireError("incomplete or oversized")


def test_pickle_and_object_dtypes_are_refused():
    """Is an array announced with an object dtype, or pickled bytes, refused rather than loaded?"""
    payload = pickle.dumps(np.zeros(2))
    frame = wire.pack({"value": {"array": 0}}, [])
    head = b'{"value": {"array": 0}, "arrays": [{"dtype": "|O", "shape": [2]}]}'
    with pytest.raises(wire.WireError):
        wire.unpack(wire.PREFIX.pack(len(head), len(payload)) + head + payload)
    assert wire.unpack(frame)[0]["value"] == {"array": 0}


def test_decode_rejects_bad_references_and_kinds():
    """Does decode refuse dangling array references and unknown value kinds?"""
    with pytest.raises(wire.WireError):
        wire.decode({"array": 3}, [])
    with pytest.raises(wire.WireError):
        wire.decode({"pickle": "gASV"}, [])


def worker_request(value):
    """(grader's request values, worker's Given and decoded values) for one call request, as built in practice."""
    tree, arrays = wire.encode(value)
    frame = wire.pack({"cases": [tree]}, arrays)
    header, sent = wire.unpack(frame)
    grader_side = (sent, wire.containers([wire.decode(tree, sent) for tree in header["cases"]]))
    _, received = wire.unpack(frame, writable=True)
    values = [wire.decode(tree, received) for tree in header["cases"]]
    return grader_side, wire.Given(received, values), values[0]


def reply(value, given, request):
    tree, arrays = wire.encode(value, given=given)
    header, arrays = wire.unpack(wire.pack({"value": tree}, arrays))
    return header["value"], wire.decode(header["value"], arrays, request=request)


def test_unchanged_request_values_travel_as_references():
    """Do a request's dict and arrays, passed back unchanged, travel as one reference and decode equal?"""
    request, given, (x, params) = worker_request([np.arange(3.0), {"W": np.eye(2), "b": np.zeros(2)}])
    tree, back = reply((params, [x, params]), given, request)
    assert tree == {"tuple": [{"input_tree": 1}, {"list": [{"input": 0}, {"input_tree": 1}]}]}
    np.testing.assert_array_equal(back[0]["W"], np.eye(2))  # exact: the grader's own copy
    np.testing.assert_array_equal(back[1][0], np.arange(3.0))


def test_modified_request_values_travel_as_data():
    """Is a value changed in place (an array's entry, a dict's item, a list's length) sent as data, not a reference?"""
    request, given, (x, params, seq) = worker_request([np.arange(3.0), {"W": np.eye(2), "b": np.zeros(2)}, [1.0]])
    x[0] = 7.0
    params["b"] = params["b"].copy()  # equal content, another object: the dict is not "the same" any more
    seq.append(2.0)
    tree, back = reply([x, params, seq], given, request)
    assert "input" not in tree["list"][0] and "input_tree" not in tree["list"][1]
    assert tree["list"][1]["dict"][0][1] == {"input": 1}  # W itself is unchanged
    np.testing.assert_array_equal(back[0], [7.0, 1.0, 2.0])
    assert back[2] == [1.0, 2.0]
    np.testing.assert_array_equal(back[1]["b"], np.zeros(2))


def test_a_request_container_made_to_hold_itself_is_encoded_without_looping():
    """Does a given list that now contains itself still encode (as data, cut at the depth limit)?"""
    request, given, (seq,) = worker_request([[np.zeros(1)]])
    seq.append(seq)
    tree, back = reply(seq, given, request)
    assert "list" in tree
    assert isinstance(back, list)


def test_in_place_reshape_and_hostile_keys_are_sent_as_data():
    """Is an array reshaped in place sent as data, and does a key whose == raises not break encoding?"""

    class Hostile:
        def __eq__(self, other):
            raise RuntimeError("== called")

        __hash__ = object.__hash__

    request, given, (x, params) = worker_request([np.arange(6.0), {"W": np.eye(2)}])
    x.shape = (2, 3)  # same bytes, another shape
    params[Hostile()] = 1
    tree, back = reply([x, params], given, request)
    assert back[0].shape == (2, 3) and "array" in tree["list"][0]
    assert "dict" in tree["list"][1] and len(back[1]) == 2


def test_reply_limits_refuse_a_frame_from_its_prefix_alone():
    """Is a frame announcing more JSON or more array bytes than the receiver's limits refused from
    its 12-byte prefix, before any of it is buffered?"""
    assert wire.frame_size(wire.PREFIX.pack(10, 20), wire.REPLY_HEADER, 20) == wire.PREFIX.size + 30
    with pytest.raises(wire.WireError, match="bytes of JSON"):
        wire.frame_size(wire.PREFIX.pack(wire.REPLY_HEADER + 1, 0), wire.REPLY_HEADER, 1 << 20)
    with pytest.raises(wire.WireError, match="1099511627776 bytes of arrays"):
        wire.frame_size(wire.PREFIX.pack(10, 1 << 40), wire.REPLY_HEADER, 1 << 20)


def test_json_nested_deeper_than_the_parser_goes_is_a_wire_error():
    """Is a header nested 100,000 levels deep a WireError (not a RecursionError escaping)?"""
    head = b'{"arrays": [], "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(wire.WireError, match="nested too deeply"):
        wire.unpack(wire.PREFIX.pack(len(head), 0) + head)


def test_a_shape_numpy_cannot_build_is_a_wire_error():
    """An array of no bytes whose sizes are each within bounds, (2**39, 2**39, 0), passes the
    byte count (0) but numpy cannot reshape to it (its nonzero sizes overflow): a WireError, not
    the ValueError that ended a whole submission as an internal error of the grader."""
    head = json.dumps({"value": {"array": 0}, "arrays": [{"dtype": "<f8", "shape": [2 ** 39, 2 ** 39, 0]}]}).encode()
    with pytest.raises(wire.WireError, match="array with an invalid shape"):
        wire.unpack(wire.PREFIX.pack(len(head), 0) + head)
    assert wire.unpack(wire.pack({"value": None}, [np.zeros((2 ** 20, 0))]))[1][0].shape == (2 ** 20, 0)


def test_too_many_arrays_are_refused():
    """Is a frame with more arrays than max_arrays refused, and one within the limit read?"""
    frame = wire.pack({"value": None}, [np.zeros(0)] * 11)
    assert len(wire.unpack(frame, max_arrays=11)[1]) == 11
    with pytest.raises(wire.WireError, match="11 arrays, more than the 10 allowed"):
        wire.unpack(frame, max_arrays=10)


def test_a_reply_equal_byte_for_byte_is_parsed_once_and_handed_out_as_a_copy():
    """The grading process keeps replies it has unpacked, by their exact bytes (WorkerSession.request's
    `parsed`). Does an equal frame get an equal reply without a second parse, its header as a fresh
    dict (a caller's change does not reach the next one), while a frame differing by one byte is parsed
    on its own and an oracle request is never kept?"""
    from grader.api import Memo
    from grader.sandbox.launch import Launcher, Limits
    from grader.sandbox.session import WorkerSession

    launcher = Launcher("process", Limits())
    try:
        session = WorkerSession(launcher)
        session._parsed = Memo()
        frame = wire.pack({"case": 0, "status": "ok", "value": {"array": 0}}, [np.arange(3.0)])
        first, arrays = session._unpack_reply(frame)
        first["status"] = "changed by a caller"
        again, arrays_again = session._unpack_reply(bytes(frame))  # equal bytes, another object
        assert again == {"case": 0, "status": "ok", "value": {"array": 0}, "arrays": again["arrays"]}
        assert arrays_again[0] is arrays[0] and len(session._parsed) == 1
        other = frame[:-1] + bytes([frame[-1] ^ 1])  # the last byte of the array data differs
        _, other_arrays = session._unpack_reply(other)
        assert other_arrays[0][-1] != arrays[0][-1] and len(session._parsed) == 2
        session._unpack_reply(wire.pack({"op": "oracle", "function": "f", "args": {"none": 1}}))
        assert len(session._parsed) == 2
    finally:
        launcher.close()
