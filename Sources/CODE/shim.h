#ifndef CODE_SHIM_H
#define CODE_SHIM_H

#include <ode/ode.h>

/* Macros Swift cannot import (casts and expressions), re-exported as typed constants. */
static const dReal CODE_dInfinity = dInfinity;

#endif
