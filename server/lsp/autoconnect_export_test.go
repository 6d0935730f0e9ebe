package lsp

// AutoConnectSlots is autoConnectSlots, for the tests of package lsp_test.
const AutoConnectSlots = autoConnectSlots
