#include <libpq-fe.h>

// The PG_DIAG_* codes are character-constant macros, which Swift does not import.
static const int CLibPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLibPQ_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;
