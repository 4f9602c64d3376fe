#include "CSupport.h"
#include <idn2.h>
#include <stdlib.h>

char *csupport_idn_to_ascii(const char *domain)
{
    char *ascii = NULL;
    if (idn2_to_ascii_8z(domain, &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK) {
        return NULL;
    }
    return ascii;
}
