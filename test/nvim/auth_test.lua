-- Neovim 0.7 (Debian) drives `mcpls serve` against `mcpls demo-server --auth`
-- as a user would: the Connect lens meets a 401, mcpls shows the sign-in
-- notification (window/showMessageRequest, answered "Sign in" here), asks
-- the editor to open the authorize URL (window/showDocument, external),
-- shows the wait as work-done progress; the test plays the browser with
-- curl (the demo authorization server approves at once and redirects to
-- mcpls's loopback listener); mcpls then connects and the lenses show the
-- catalog. Sign out forgets the token file.
--
-- Started by run.sh with MCPLS (the binary) and WORKSPACE (a temp dir whose
-- .mcp.json points at the auth demo server run.sh started); XDG_CONFIG_HOME
-- is a temp dir, so the token files land there. Neovim 0.7 lacks
-- window/showDocument: the script handles it and announces the capability.
-- Prints a PASS/FAIL line per check and exits 0 only if all passed (1: a
-- check failed, 2: a Lua error). Every wait is vim.wait on a condition.

local H = dofile(os.getenv('NVIM_HARNESS'))
H.TIMEOUT_MS = 15000
local TIMEOUT_MS = H.TIMEOUT_MS
local out, show, check, line_of, execute, lenses, find_lens, titles = H.out, H.show, H.check, H.line_of, H.execute, H.lenses, H.find_lens, H.titles

-- The sign-in notifications (window/showMessageRequest): the user picks Sign in.
local asked = {}
vim.lsp.handlers['window/showMessageRequest'] = function(_, result)
  table.insert(asked, result)
  for _, a in ipairs(result.actions or {}) do
    if a.title == 'Sign in' then return a end
  end
  return vim.NIL
end

-- window/showDocument: record it and, for an http URL, play the browser.
local opened, browser_exit = {}, nil
vim.lsp.handlers['window/showDocument'] = function(_, result)
  table.insert(opened, result)
  if result.uri:match('^https?://') then
    vim.fn.jobstart({ 'curl', '-sS', '-L', '-o', '/dev/null', '--max-time', '10', result.uri }, {
      on_exit = function(_, code) browser_exit = code end,
    })
  end
  return { success = true }
end

local messages = {}
local default_message = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, result, ctx, config)
  table.insert(messages, result.message)
  return default_message(err, result, ctx, config)
end

local progress = {}
local default_progress = vim.lsp.handlers['$/progress']
vim.lsp.handlers['$/progress'] = function(err, result, ctx, config)
  table.insert(progress, result)
  return default_progress(err, result, ctx, config)
end

-- The token files mcpls wrote, and whether one holds an access token.
local function token_files()
  local dir = assert(os.getenv('XDG_CONFIG_HOME'), 'XDG_CONFIG_HOME unset') .. '/mcpls/tokens'
  local files, with_token = {}, false
  for _, name in ipairs(vim.fn.glob(dir .. '/*.json', false, true)) do
    local stat = vim.loop.fs_stat(name)
    table.insert(files, { name = name, mode = stat and string.format('%o', stat.mode % 512) })
    local f = io.open(name, 'r')
    if f then
      with_token = with_token or f:read('*a'):find('"accessToken"', 1, true) ~= nil
      f:close()
    end
  end
  return files, with_token
end

local function main()
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.window.showDocument = { support = true }
  local client, bufnr = H.start({ capabilities = capabilities })
  if not client then return end
  local ok

  -- 1. Connecting meets a 401: mcpls shows the sign-in notification.
  local demo_line = line_of(bufnr, '"demo": {')
  local list = lenses(client, bufnr)
  local connect = find_lens(list, 'Connect', demo_line)
  if not check('Connect lens on the server', connect ~= nil, titles(list)) then return end
  local state, err = execute(client, bufnr, connect.command.command, connect.command.arguments)
  check('connecting without a token needs sign-in',
    state ~= nil and (state.state == 'needsAuth' or state.state == 'connected'), { state = state and state.state, err = err })
  ok = vim.wait(TIMEOUT_MS, function() return #asked > 0 end, 10)
  local note = asked[1] or {}
  local acts = {}
  for _, a in ipairs(note.actions or {}) do table.insert(acts, a.title) end
  check('the sign-in notification names the server and the authorization server',
    ok and (note.message or ''):match('^demo needs sign%-in at 127%.0%.0%.1:%d+%.$') ~= nil, note.message)
  check('the notification offers Sign in, Use a token, Cancel',
    table.concat(acts, '|') == 'Sign in|Use a token|Cancel', acts)

  -- 2. Sign in opens the authorize URL outside the editor; the test's curl is the browser.
  ok = vim.wait(TIMEOUT_MS, function() return #opened > 0 end, 10)
  local doc = opened[1] or {}
  check('window/showDocument with the authorize URL, external',
    ok and (doc.uri or ''):match('^http://127%.0%.0%.1:%d+/oauth/authorize%?') ~= nil and doc.external == true, doc)
  ok = vim.wait(TIMEOUT_MS, function() return browser_exit ~= nil end, 10)
  check('the browser (curl) completed the redirect', ok and browser_exit == 0, browser_exit)
  ok = vim.wait(TIMEOUT_MS, function()
    for _, p in ipairs(progress) do
      if p.value and p.value.kind == 'report' and (p.value.message or ''):find('Waiting for sign-in in the browser', 1, true) then
        return true
      end
    end
  end, 10)
  check('the wait shows as work-done progress', ok, progress)

  -- 3. Signed in: mcpls connects again and the lens shows the tools.
  local counts
  ok = vim.wait(TIMEOUT_MS, function()
    list = lenses(client, bufnr)
    counts = find_lens(list, '● ', demo_line)
    return counts ~= nil
  end, 200)
  check('connected after sign-in: the lens shows the tools',
    ok and counts.title:find('tools', 1, true) ~= nil, titles(list))
  local files, with_token = token_files()
  local modes_ok = #files > 0
  for _, f in ipairs(files) do modes_ok = modes_ok and f.mode == '600' end
  check('the token is kept in 0600 files under the user config dir', modes_ok and with_token, files)

  -- 4. Sign out forgets the token (the demo server revokes it) and disconnects.
  state, err = execute(client, bufnr, 'mcpls.signOut', connect.command.arguments)
  check('sign out disconnects', state ~= nil and state.state == 'disconnected'
    and state.auth ~= nil and state.auth.signedIn == false, { state = state and state.state, auth = state and state.auth, err = err })
  files, with_token = token_files()
  check('sign out forgets the token file', not with_token, files)
  ok = vim.wait(TIMEOUT_MS, function()
    for _, m in ipairs(messages) do
      if m == 'Signed out of demo.' then return true end
    end
  end, 10)
  check('sign out is reported', ok, messages)

  vim.lsp.stop_client(client.id)
  ok = vim.wait(TIMEOUT_MS, function() return vim.lsp.client_is_stopped(client.id) end, 10)
  check('client stopped', ok)
end

H.run(main)
