-- The harness the headless Neovim tests share: output, checks, and the LSP
-- requests they send. A test does `local H = dofile(os.getenv('NVIM_HARNESS'))`
-- (run.sh sets it), uses these, and ends with H.run(main), which prints the
-- PASS/FAIL summary and leaves with 0 (all passed), 1 (a check failed) or 2 (a
-- Lua error). Every wait is vim.wait on a condition, bounded by H.TIMEOUT_MS.

local H = { TIMEOUT_MS = 10000 }
local passed, failed = 0, 0

-- out prints one line of the report.
function H.out(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

-- show renders a value on one line.
function H.show(v)
  return vim.inspect(v, { newline = ' ', indent = '' })
end

-- check reports one check and counts it.
function H.check(name, ok, detail)
  if ok then passed = passed + 1 else failed = failed + 1 end
  H.out('%s %s%s', ok and 'PASS' or 'FAIL', name, detail ~= nil and ('  ' .. H.show(detail)) or '')
  return ok
end

-- line_of finds the 0-based line holding text (plain match) and the line.
function H.line_of(bufnr, text)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if l:find(text, 1, true) then return i - 1, l end
  end
  error('no line contains ' .. text)
end

-- start starts `mcpls serve` ($MCPLS) on the workspace $WORKSPACE, opens its
-- .mcp.json and waits until the client is initialized. extra adds fields to
-- the start_client config (capabilities, flags). It returns the client and
-- the buffer, or nil when a check failed.
function H.start(extra)
  local mcpls = assert(os.getenv('MCPLS'), 'MCPLS unset')
  local ws = assert(os.getenv('WORKSPACE'), 'WORKSPACE unset')
  local client_id = vim.lsp.start_client(vim.tbl_extend('force', {
    name = 'mcpls',
    cmd = { mcpls, 'serve' },
    root_dir = ws,
    workspace_folders = { { uri = vim.uri_from_fname(ws), name = 'ws' } },
  }, extra or {}))
  if not H.check('start_client', client_id ~= nil) then return nil end
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/.mcp.json'))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local ok = vim.wait(H.TIMEOUT_MS, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end, 10)
  local client = vim.lsp.get_client_by_id(client_id)
  if not H.check('initialized', ok and client ~= nil) then return nil end
  return client, bufnr
end

-- complete_at returns the labels (quotes stripped) of the completion items
-- at a 0-based position, as a set, and the request's error if any.
function H.complete_at(client, bufnr, line, character)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = line, character = character },
  }
  local resp, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, H.TIMEOUT_MS)
  local r = resp and resp[client.id]
  local result = r and r.result
  local labels = {}
  for _, item in ipairs(result and (result.items or result) or {}) do
    labels[(item.label:gsub('"', ''))] = true
  end
  return labels, err or (r and r.err)
end

-- execute runs a workspace/executeCommand and returns its result and error.
function H.execute(client, bufnr, command, args)
  local resp, err = client.request_sync('workspace/executeCommand',
    { command = command, arguments = args }, H.TIMEOUT_MS, bufnr)
  if not resp then return nil, err end
  return resp.result, resp.err
end

-- lenses fetches the code lenses of the buffer as {line, title, command}.
function H.lenses(client, bufnr)
  local resp = client.request_sync('textDocument/codeLens',
    { textDocument = vim.lsp.util.make_text_document_params(bufnr) }, H.TIMEOUT_MS, bufnr)
  local list = {}
  for _, l in ipairs(resp and resp.result or {}) do
    if l.command then
      table.insert(list, { line = l.range.start.line, title = l.command.title, command = l.command })
    end
  end
  return list
end

-- find_lens returns the first lens whose title starts with prefix (on line).
function H.find_lens(list, prefix, line)
  for _, l in ipairs(list) do
    if l.title:sub(1, #prefix) == prefix and (line == nil or l.line == line) then return l end
  end
  return nil
end

-- titles lists the titles of lenses.
function H.titles(list)
  local t = {}
  for _, l in ipairs(list) do table.insert(t, l.title) end
  return t
end

-- run runs main, catching everything, and always leaves with an exit code.
function H.run(main)
  local ok, err = xpcall(main, debug.traceback)
  if not ok then
    H.out('FAIL lua error: %s', tostring(err))
    H.out('%d passed, %d failed', passed, failed + 1)
    vim.cmd('cquit 2')
  end
  H.out('%d passed, %d failed', passed, failed)
  if failed > 0 or passed == 0 then
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end

return H
