-- Neovim 0.7 (Debian) drives `mcpls serve` against a live `mcpls demo-server`
-- as a user would: run the Connect code lens, complete tool names and then
-- argument keys from the live schema, see a wrong argument type reported at
-- its value, run a saved request and read its rendered result, cancel a
-- slow tool (the demo server counts the cancellation), and complete a
-- prompt's argument from the server's own completion/complete.
--
-- Started by run.sh with MCPLS (the binary) and WORKSPACE (a temp dir whose
-- .mcp.json, from testdata/demo.mcp.json, points at the demo server run.sh
-- started). Neovim 0.7 does not support window/showDocument: like an editor
-- plugin would, the script handles it and announces the capability. Prints a
-- PASS/FAIL line per check and exits 0 only if all passed (1: a check
-- failed, 2: a Lua error). Every wait is vim.wait on a condition.

local H = dofile(os.getenv('NVIM_HARNESS'))
local TIMEOUT_MS = H.TIMEOUT_MS
local out, show, check, line_of, execute, lenses, find_lens, titles = H.out, H.show, H.check, H.line_of, H.execute, H.lenses, H.find_lens, H.titles

-- What the server asked the editor to show (window/showDocument), in order.
local shown = {}
vim.lsp.handlers['window/showDocument'] = function(_, result)
  table.insert(shown, vim.uri_to_fname(result.uri))
  return { success = true }
end

-- Work-done progress reports, recorded beside Neovim's own handling.
local progress = {}
local default_progress = vim.lsp.handlers['$/progress']
vim.lsp.handlers['$/progress'] = function(err, result, ctx, config)
  table.insert(progress, result)
  return default_progress(err, result, ctx, config)
end

local function read_file(path)
  local f = io.open(path, 'r')
  if not f then return '' end
  local s = f:read('*a')
  f:close()
  return s
end

local function main()
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.window.showDocument = { support = true }
  local client, bufnr = H.start({ capabilities = capabilities, flags = { debounce_text_changes = 50 } })
  if not client then return end
  local ok

  -- 1. The Connect lens on the server connects it; the lenses then show the catalog.
  local demo_line = line_of(bufnr, '"demo": {')
  local list = lenses(client, bufnr)
  local connect = find_lens(list, 'Connect', demo_line)
  if not check('Connect lens on the server', connect ~= nil, titles(list)) then return end
  -- Neovim's own code lens machinery gets them too, though 0.7 does not
  -- advertise the capability.
  vim.lsp.codelens.refresh()
  ok = vim.wait(TIMEOUT_MS, function() return #vim.lsp.codelens.get(bufnr) > 0 end, 10)
  check('vim.lsp.codelens shows the lenses', ok)
  local state, err = execute(client, bufnr, connect.command.command, connect.command.arguments)
  check('running the Connect lens connects', state ~= nil and state.state == 'connected', { state = state and state.state, err = err })
  list = lenses(client, bufnr)
  local counts = find_lens(list, '● ', demo_line)
  check('lens shows the live catalog', counts ~= nil and counts.title:find('tools', 1, true) ~= nil
    and find_lens(list, 'Disconnect', demo_line) ~= nil, titles(list))

  -- 2. Completion offers tool names, then argument keys from the live schema.
  local tool_line, tool_text = line_of(bufnr, '"tool": ""')
  local labels = H.complete_at(client, bufnr, tool_line, tool_text:find('"tool": ""', 1, true) + 8)
  check('completion offers the tools', labels.add and labels.slow and labels.stats, vim.tbl_keys(labels))
  local args_line, args_text = line_of(bufnr, '"arguments": {  }')
  labels = H.complete_at(client, bufnr, args_line, args_text:find('{  }', 1, true) + 1)
  check('completion offers the argument keys of add', labels.a and labels.b, vim.tbl_keys(labels))

  -- 3. A wrong argument type is reported at its value.
  local bad_line, bad_text = line_of(bufnr, '"a": "one"')
  local bad_col = bad_text:find('"one"', 1, true) - 1
  local function at_value()
    for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = bad_line })) do
      if d.code == 'request/invalid-arguments' and d.col == bad_col then return d end
    end
  end
  ok = vim.wait(TIMEOUT_MS, function() return at_value() ~= nil end, 10)
  check('wrong argument type reported at its value', ok, vim.diagnostic.get(bufnr))

  -- 4. The ▶ Call tool lens runs the request; the result is rendered and shown.
  local add_line = line_of(bufnr, '"name": "add"')
  local run = find_lens(list, '▶ Call tool', add_line)
  if not check('▶ Call tool lens on the request', run ~= nil, titles(list)) then return end
  local result
  result, err = execute(client, bufnr, run.command.command, run.command.arguments)
  check('the request returns its result', result ~= nil and result.ok == true, { result = result, err = err })
  ok = vim.wait(TIMEOUT_MS, function() return #shown > 0 end, 10)
  local rendered = ok and read_file(shown[#shown]) or ''
  check('the rendered result is shown and holds 42', rendered:find('42', 1, true) ~= nil, { shown = shown, text = rendered })
  list = lenses(client, bufnr)
  check('the lens shows the outcome', find_lens(list, '✓ ', add_line) ~= nil, titles(list))

  -- 5. Cancelling the slow tool in the editor stops it on the server.
  local slow_line = line_of(bufnr, '"tool": "slow"')
  local slow = find_lens(list, '▶ Call tool', slow_line)
  local answered = false
  local sent, request_id = client.request('workspace/executeCommand',
    { command = slow.command.command, arguments = slow.command.arguments },
    function() answered = true end, bufnr)
  check('slow tool started', sent)
  ok = vim.wait(TIMEOUT_MS, function()
    for _, p in ipairs(progress) do
      if p.value and p.value.kind == 'report' and (p.value.message or ''):find('step 1 of', 1, true) then return true end
    end
  end, 10)
  check('MCP progress reaches the editor', ok, progress)
  client.cancel_request(request_id)
  local stats_line = line_of(bufnr, '"tool": "stats"')
  local stats_lens = find_lens(list, '▶ Call tool', stats_line)
  local cancelled
  ok = vim.wait(TIMEOUT_MS, function()
    local r = execute(client, bufnr, stats_lens.command.command, stats_lens.command.arguments)
    cancelled = r and r.response and r.response.structuredContent and r.response.structuredContent.slowCancelled
    return cancelled == 1
  end, 50)
  check('the server saw the slow tool cancelled', ok, { slowCancelled = cancelled, answered = answered })

  -- 6. A prompt's argument values come from the server (completion/complete).
  local last_line, last_text = line_of(bufnr, '"name": "stats"')
  local greet = '    { "name": "greet", "server": "demo", "prompt": "greet", "arguments": { "name": "a" } }'
  vim.api.nvim_buf_set_lines(bufnr, last_line, last_line + 1, false, { last_text .. ',', greet })
  local name_col = greet:find('"name": "a"', 1, true) + 9
  ok = vim.wait(TIMEOUT_MS, function()
    labels = H.complete_at(client, bufnr, last_line + 1, name_col)
    return labels.alice == true
  end, 50)
  check('completion offers prompt argument values from the server', ok, vim.tbl_keys(labels))

  vim.lsp.stop_client(client.id)
  ok = vim.wait(TIMEOUT_MS, function() return vim.lsp.client_is_stopped(client.id) end, 10)
  check('client stopped', ok)
end

H.run(main)
