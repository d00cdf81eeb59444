// imap.h compiled as C++11: the C test, unchanged (test_header.c is valid C++ too).
#include "test_header.c"
