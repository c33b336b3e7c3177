#include <mkdio.h>
