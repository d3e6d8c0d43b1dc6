/* The library versions of `slipway --version` (installer/versions.c). */
#pragma once
#include <stdio.h>

void inst_print_versions(FILE *f);
