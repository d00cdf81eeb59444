/*
 * libimap._speedups: the package's optional C extension (stable ABI, Python 3.9+), for bulk
 * FETCH without copies. The library reads each literal straight into a bytes object this
 * module lends (imap_set_literal_allocator: lend() creates it, give_back() drops the library's
 * reference), and items() turns a result into imaplib's data list, reusing those objects.
 * Without it (no compiler at install time) the package does the same work through ctypes.
 *
 * The library's functions are not linked: init() gets the addresses of imap_result_count,
 * imap_result_item and imap_result_free from the ctypes library object, so this module works with whichever
 * libimap.so the package loaded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <stdint.h>

/* imap_item of include/imap.h, as of 1.2.0 (fields are only ever appended). */
typedef struct {
  int32_t kind;
  const uint8_t *data;
  size_t len;
  const uint8_t *literal;
  size_t literal_len;
  void *literal_handle;
} item_t;

enum { ITEM_NONE = 0, ITEM_LINE = 1, ITEM_LITERAL = 2 };

typedef size_t (*count_fn)(const void *result);
typedef const item_t *(*item_fn)(const void *result, size_t index);
typedef void (*free_fn)(void *result);

static count_fn result_count;
static item_fn result_item;
static free_fn result_free;
/* b")": the line closing each FETCH response with a literal, one shared object (bytes are
 * immutable; imaplib makes one per response). */
static PyObject *close_paren;
/* gc.disable and gc.enable: collection is off while a data list is made (see items()). */
static PyObject *gc_isenabled, *gc_disable, *gc_enable;

/* gc.isenabled(): 1, 0, or -1 with an exception. */
static int gc_is_enabled(void) {
  int on;
  PyObject *v = PyObject_CallObject(gc_isenabled, NULL);
  if (!v)
    return -1;
  on = PyObject_IsTrue(v);
  Py_DECREF(v);
  return on;
}

/* imap_alloc_fn: a bytes object of exactly `size` bytes; the library holds its reference until
 * it calls give_back. Called while ctypes has released the GIL. NULL (out of memory): the
 * library buffers the literal itself. */
static uint8_t *lend(void *user_data, size_t size, void **handle) {
  PyGILState_STATE g;
  PyObject *b;
  uint8_t *p = NULL;
  (void)user_data;
  if (size > (size_t)PY_SSIZE_T_MAX)
    return NULL;
  g = PyGILState_Ensure();
  b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
  if (b) {
    p = (uint8_t *)PyBytes_AsString(b);
    if (p)
      *handle = b;
    else
      Py_DECREF(b);
  }
  if (!p)
    PyErr_Clear();
  PyGILState_Release(g);
  return p;
}

/* imap_release_fn: the library's reference goes (the list made by items() keeps its own). */
static void give_back(void *user_data, void *handle) {
  PyGILState_STATE g;
  (void)user_data;
  if (!handle)
    return;
  g = PyGILState_Ensure();
  Py_DECREF((PyObject *)handle);
  PyGILState_Release(g);
}

/* An address given as an int, None (NULL) or a ctypes pointer object (its `value`). */
static int address(PyObject *o, void **out) {
  PyObject *v;
  if (o == Py_None) {
    *out = NULL;
    return 0;
  }
  if (PyLong_Check(o)) {
    *out = PyLong_AsVoidPtr(o);
    return *out || !PyErr_Occurred() ? 0 : -1;
  }
  v = PyObject_GetAttrString(o, "value");
  if (!v)
    return -1;
  if (v == Py_None || !PyLong_Check(v)) {
    *out = NULL;
    if (v != Py_None) {
      Py_DECREF(v);
      PyErr_SetString(PyExc_TypeError, "expected an address");
      return -1;
    }
    Py_DECREF(v);
    return 0;
  }
  *out = PyLong_AsVoidPtr(v);
  Py_DECREF(v);
  return *out || !PyErr_Occurred() ? 0 : -1;
}

static PyObject *init(PyObject *self, PyObject *args) {
  PyObject *count, *item, *free_;
  void *c, *i, *f;
  (void)self;
  if (!PyArg_ParseTuple(args, "OOO", &count, &item, &free_))
    return NULL;
  if (address(count, &c) < 0 || address(item, &i) < 0 || address(free_, &f) < 0)
    return NULL;
  if (!c || !i || !f) {
    PyErr_SetString(PyExc_ValueError, "init: NULL function address");
    return NULL;
  }
  if (!close_paren && !(close_paren = PyBytes_FromStringAndSize(")", 1)))
    return NULL;
  if (!gc_disable) {
    PyObject *gc = PyImport_ImportModule("gc");
    if (!gc)
      return NULL;
    gc_isenabled = PyObject_GetAttrString(gc, "isenabled");
    gc_disable = PyObject_GetAttrString(gc, "disable");
    gc_enable = PyObject_GetAttrString(gc, "enable");
    Py_DECREF(gc);
    if (!gc_isenabled || !gc_disable || !gc_enable) {
      Py_CLEAR(gc_isenabled);
      Py_CLEAR(gc_disable);
      Py_CLEAR(gc_enable);
      return NULL;
    }
  }
  result_count = (count_fn)c;
  result_item = (item_fn)i;
  result_free = (free_fn)f;
  Py_RETURN_NONE;
}

/* imap_result_free with the GIL held: the lent bytes objects are given back without taking
 * the GIL once each (the library's free is quick and never waits). */
static PyObject *free_result(PyObject *self, PyObject *arg) {
  void *r;
  (void)self;
  if (!result_free) {
    PyErr_SetString(PyExc_RuntimeError, "libimap._speedups: init() not called");
    return NULL;
  }
  if (address(arg, &r) < 0)
    return NULL;
  if (r)
    result_free(r);
  Py_RETURN_NONE;
}

/* (alloc, release): the addresses of the allocator pair, for imap_set_literal_allocator. */
static PyObject *allocator(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return Py_BuildValue("(NN)", PyLong_FromVoidPtr((void *)lend),
                       PyLong_FromVoidPtr((void *)give_back));
}

static PyObject *bytes_of(const uint8_t *p, size_t n) {
  if (n > (size_t)PY_SSIZE_T_MAX) {
    PyErr_SetString(PyExc_OverflowError, "item too large");
    return NULL;
  }
  return PyBytes_FromStringAndSize(n ? (const char *)p : "", (Py_ssize_t)n);
}

static PyObject *make_items(void *r);

/* imaplib's data list of an imap_result (its address): bytes for lines, (header, literal)
 * tuples (literal None when streamed to a callback), None for no data. A literal in a lent
 * bytes object is that object, not a copy.
 *
 * The cyclic garbage collector is off while the list is made (no Python code runs meanwhile:
 * nothing else can see it), and the tuples, which hold only bytes and None, are not tracked
 * (as CPython does for such tuples at their first collection): thousands of them would
 * otherwise set off collections of the whole heap during a bulk FETCH. */
static PyObject *items(PyObject *self, PyObject *arg) {
  void *r;
  int was_enabled;
  PyObject *list, *t;
  (void)self;
  if (!result_count || !result_item) {
    PyErr_SetString(PyExc_RuntimeError, "libimap._speedups: init() not called");
    return NULL;
  }
  if (address(arg, &r) < 0)
    return NULL;
  if (!r)
    return PyList_New(0);
  was_enabled = gc_is_enabled();
  if (was_enabled < 0)
    return NULL;
  if (was_enabled && !(t = PyObject_CallObject(gc_disable, NULL)))
    return NULL;
  if (was_enabled)
    Py_DECREF(t);
  list = make_items(r);
  if (was_enabled) {
    if (!(t = PyObject_CallObject(gc_enable, NULL))) {
      Py_XDECREF(list);
      return NULL;
    }
    Py_DECREF(t);
  }
  return list;
}

static PyObject *make_items(void *r) {
  size_t n, i;
  PyObject *list;
  n = result_count(r);
  if (n > (size_t)PY_SSIZE_T_MAX)
    return PyErr_NoMemory();
  list = PyList_New((Py_ssize_t)n);
  if (!list)
    return NULL;
  for (i = 0; i < n; i++) {
    const item_t *it = result_item(r, i);
    PyObject *v;
    if (!it || it->kind == ITEM_NONE) {
      Py_INCREF(Py_None);
      v = Py_None;
    } else if (it->kind == ITEM_LINE) {
      if (it->len == 1 && it->data[0] == ')') {
        Py_INCREF(close_paren);
        v = close_paren;
      } else {
        v = bytes_of(it->data, it->len);
      }
    } else {
      PyObject *head = bytes_of(it->data, it->len), *lit;
      if (!head) {
        Py_DECREF(list);
        return NULL;
      }
      if (it->literal_handle) {
        lit = (PyObject *)it->literal_handle;
        Py_INCREF(lit);
      } else if (it->literal) {
        lit = bytes_of(it->literal, it->literal_len);
      } else if (it->literal_len) {
        Py_INCREF(Py_None); /* streamed to a callback (fetch_to_file) */
        lit = Py_None;
      } else {
        lit = bytes_of(NULL, 0);
      }
      if (!lit) {
        Py_DECREF(head);
        Py_DECREF(list);
        return NULL;
      }
      v = PyTuple_Pack(2, head, lit);
      Py_DECREF(head);
      Py_DECREF(lit);
      if (v)
        PyObject_GC_UnTrack(v); /* bytes and None only: never part of a cycle */
    }
    if (!v) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SetItem(list, (Py_ssize_t)i, v); /* steals v */
  }
  return list;
}

static PyMethodDef methods[] = {
    {"init", init, METH_VARARGS,
     "init(count, item, free): the addresses of imap_result_count, _item and _free."},
    {"allocator", allocator, METH_NOARGS,
     "allocator() -> (alloc_addr, release_addr) for imap_set_literal_allocator."},
    {"items", items, METH_O, "items(result_addr) -> imaplib's data list of an imap_result."},
    {"free_result", free_result, METH_O, "free_result(result_addr): imap_result_free."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "libimap._speedups",
    "Optional C helpers of the libimap package: literals read into bytes objects without a "
    "copy, and results converted to imaplib's data lists.",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) {
  return PyModule_Create(&module);
}
