# make test — filled in by the harness work.
.PHONY: test
test: $(UNIT_BIN)
	$(UNIT_BIN)
