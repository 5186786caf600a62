#ifndef PARETOPILOT_CSQLITE_SHIM_H
#define PARETOPILOT_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
