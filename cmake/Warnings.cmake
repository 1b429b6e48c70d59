# Warnings for every target in the project (a subset of c-ares'
# EnableWarnings plus the OpenBSD daemon set).
set(RF_WARNINGS
	-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings
	-Wformat=2 -Wvla -Wimplicit-fallthrough -Wundef)
if(RF_WERROR)
	list(APPEND RF_WARNINGS -Werror)
endif()
add_compile_options(${RF_WARNINGS})
