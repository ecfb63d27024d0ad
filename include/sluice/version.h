// Library version, for logs and for checking which libsluice a program loaded.
#pragma once

namespace sluice {

// "MAJOR.MINOR.PATCH" of the linked library.
const char* Version();

}  // namespace sluice
