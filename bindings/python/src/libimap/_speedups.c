/*
 * libimap._speedups: the package's optional C extension (stable ABI, Python 3.9+), for bulk
 * FETCH without copies. The library reads each literal straight into a bytes object this
 * module lends (imap_set_literal_allocator: lend() creates it, give_back() drops the library's
 * reference), and items() turns a result into imaplib's data list, reusing those objects.
 * Without it (no compiler at install time) the package does the same work through ctypes.
 *
 * The library's functions are not linked: init() gets the addresses of imap_result_count and
 * imap_result_item from the ctypes library object, so this module works with whichever
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

static count_fn result_count;
static item_fn result_item;

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

static PyObject *init(PyObject *self, PyObject *args) {
  PyObject *count, *item;
  void *c, *i;
  (void)self;
  if (!PyArg_ParseTuple(args, "OO", &count, &item))
    return NULL;
  c = PyLong_AsVoidPtr(count);
  if (!c && PyErr_Occurred())
    return NULL;
  i = PyLong_AsVoidPtr(item);
  if (!i && PyErr_Occurred())
    return NULL;
  if (!c || !i) {
    PyErr_SetString(PyExc_ValueError, "init: NULL function address");
    return NULL;
  }
  result_count = (count_fn)c;
  result_item = (item_fn)i;
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

/* imaplib's data list of an imap_result (its address): bytes for lines, (header, literal)
 * tuples (literal None when streamed to a callback), None for no data. A literal in a lent
 * bytes object is that object, not a copy. */
static PyObject *items(PyObject *self, PyObject *arg) {
  void *r;
  size_t n, i;
  PyObject *list;
  (void)self;
  if (!result_count || !result_item) {
    PyErr_SetString(PyExc_RuntimeError, "libimap._speedups: init() not called");
    return NULL;
  }
  r = PyLong_AsVoidPtr(arg);
  if (!r) {
    if (PyErr_Occurred())
      return NULL;
    return PyList_New(0);
  }
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
      v = bytes_of(it->data, it->len);
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
     "init(count_addr, item_addr): the addresses of imap_result_count and imap_result_item."},
    {"allocator", allocator, METH_NOARGS,
     "allocator() -> (alloc_addr, release_addr) for imap_set_literal_allocator."},
    {"items", items, METH_O, "items(result_addr) -> imaplib's data list of an imap_result."},
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
