-- Neovim 0.7 (Debian) drives `mcpls serve` as a user would: open a broken
-- .mcp.json, get its diagnostics, ask for completion inside a server entry,
-- fix the error by editing the buffer and see the diagnostics follow, then
-- make a new mistake and see it reported.
--
-- Started by run.sh: nvim --headless --clean -c 'luafile lsp_test.lua' with
-- MCPLS (the binary) and WORKSPACE (a temp dir holding .mcp.json, a copy of
-- testdata/broken.mcp.json) in the environment. Prints a PASS/FAIL line per
-- check and exits 0 only if all passed (1: a check failed, 2: a Lua error).
-- Every wait is vim.wait on a condition, bounded by a timeout.

local H = dofile(os.getenv('NVIM_HARNESS'))
local TIMEOUT_MS = H.TIMEOUT_MS
local out, show, check, line_of = H.out, H.show, H.check, H.line_of

-- Diagnostics of the buffer as {line, severity, code, message}, sorted by line.
local function diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, { line = d.lnum, sev = d.severity, code = d.code, msg = d.message })
  end
  table.sort(list, function(a, b) return a.line < b.line end)
  return list
end

local function on_lines(bufnr, first, last)
  local hits = {}
  for _, d in ipairs(diagnostics(bufnr)) do
    if d.line >= first and d.line <= last then table.insert(hits, d) end
  end
  return hits
end

local function count_errors(bufnr)
  return #vim.diagnostic.get(bufnr, { severity = vim.diagnostic.severity.ERROR })
end

local function main()
  local mcpls = assert(os.getenv('MCPLS'), 'MCPLS unset')
  local v = vim.version()
  out('nvim %d.%d.%d, server %s', v.major, v.minor, v.patch, mcpls)

  local client, bufnr = H.start({ flags = { debounce_text_changes = 50 } })
  if not client then return end
  local ok
  check('server offers completion', client.server_capabilities.completionProvider ~= nil,
    client.server_capabilities.completionProvider)

  -- 1. The missing comma after "url" is reported where it is.
  local url_line = line_of(bufnr, '"url": "https://example.com/mcp"')
  ok = vim.wait(TIMEOUT_MS, function() return #on_lines(bufnr, url_line, url_line + 1) > 0 end, 10)
  local hits = on_lines(bufnr, url_line, url_line + 1)
  check('syntax error reported at the missing comma', ok and hits[1].sev == vim.diagnostic.severity.ERROR,
    diagnostics(bufnr))

  -- 2. Completion on the empty line inside the stdio entry "files" offers its keys.
  local blank = line_of(bufnr, '"command": "npx",') + 1
  local labels, err = H.complete_at(client, bufnr, blank, 0)
  local names = vim.tbl_keys(labels)
  table.sort(names)
  check('completion in a server entry offers env, envFile and cwd',
    err == nil and labels.env and labels.envFile and labels.cwd, { err = err, labels = names })
  check('completion leaves out keys already there and keys of http servers',
    not (labels.command or labels.args or labels.url or labels.headers), names)

  -- 3. Typing the comma fixes the error: the diagnostics follow the edit.
  local _, text = line_of(bufnr, '"url": "https://example.com/mcp"')
  vim.api.nvim_buf_set_text(bufnr, url_line, #text, url_line, #text, { ',' })
  ok = vim.wait(TIMEOUT_MS, function() return count_errors(bufnr) == 0 end, 10)
  check('diagnostics cleared after fixing the comma', ok, diagnostics(bufnr))

  -- 4. A misspelt key is reported, with the key it was meant to be.
  local type_line, type_text = line_of(bufnr, '"type": "http",')
  local col = type_text:find('"type"', 1, true)
  vim.api.nvim_buf_set_text(bufnr, type_line, col, type_line, col + 4, { 'tpye' })
  ok = vim.wait(TIMEOUT_MS, function() return #on_lines(bufnr, type_line, type_line) > 0 end, 10)
  hits = on_lines(bufnr, type_line, type_line)
  check('unknown key "tpye" reported with a suggestion', ok and hits[1].msg:find('type', 1, true) ~= nil,
    diagnostics(bufnr))

  -- 5. Clean shutdown: shutdown + exit, and the process is gone.
  local pid = client.rpc and client.rpc.pid
  vim.lsp.stop_client(client.id)
  ok = vim.wait(TIMEOUT_MS, function() return vim.lsp.client_is_stopped(client.id) end, 10)
  check('client stopped', ok)
  local t0 = vim.loop.hrtime()
  ok = pid ~= nil and vim.wait(TIMEOUT_MS, function()
    -- kill(pid, 0) fails once the process has exited and libuv has reaped it.
    local alive = vim.loop.kill(pid, 0)
    return alive ~= 0
  end, 10)
  check('server process exited', ok, { pid = pid, ms = math.floor((vim.loop.hrtime() - t0) / 1e6) })
end

-- A Lua error inside -c luafile would leave headless nvim running forever:

H.run(main)
