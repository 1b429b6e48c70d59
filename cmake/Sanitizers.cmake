# RF_SANITIZE builds everything with ASan and UBSan, with no recovery, so
# that the first report fails the test that triggered it.
if(RF_SANITIZE)
	set(RF_SAN_FLAGS -fsanitize=address,undefined
		-fno-sanitize-recover=all -fno-omit-frame-pointer)
	add_compile_options(${RF_SAN_FLAGS})
	add_link_options(${RF_SAN_FLAGS})
endif()
