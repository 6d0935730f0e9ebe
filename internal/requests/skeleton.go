package requests

import (
	"strings"

	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// Skeleton returns a request object for mcpls.addRequest: the named tool,
// prompt or resource of server, with its required arguments set to
// placeholders, in JSON indented by two spaces (the caller indents it to
// its place). kind is config.RequestTool, RequestPrompt or RequestResource.
func Skeleton(cat *mcp.Catalog, server, kind, target string) string {
	var args []member
	withArgs := kind == config.RequestTool
	if cat != nil {
		ix := indexOf(cat)
		switch kind {
		case config.RequestTool:
			args = toolSkeletonArgs(ix, target)
		case config.RequestPrompt:
			if p, ok := ix.prompts[target]; ok {
				args = missingNamed(nil, promptProperties(p))
			}
		case config.RequestResource:
			for _, t := range ix.templates {
				if t.rt.URITemplate == target {
					args = missingNamed(nil, templateProperties(t))
				}
			}
		}
	}
	lines := []string{
		member{"name", jsonString(target)}.text(),
		member{"server", jsonString(server)}.text(),
		member{kind, jsonString(target)}.text(),
	}
	if withArgs || len(args) > 0 {
		lines = append(lines, member{"arguments", objectText(args, "  ")}.text())
	}
	return "{\n  " + strings.Join(lines, ",\n  ") + "\n}"
}

func toolSkeletonArgs(ix *index, name string) []member {
	t, ok := ix.tools[name]
	if !ok {
		return nil
	}
	s, err := t.compiled()
	if err != nil || s == nil {
		return nil
	}
	var ms []member
	for _, p := range s.Properties(nil) {
		if p.Required {
			ms = append(ms, member{p.Name, p.Placeholder})
		}
	}
	return ms
}

// objectText renders members as an object indented below indent.
func objectText(ms []member, indent string) string {
	if len(ms) == 0 {
		return "{}"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.text()
	}
	return "{\n" + indent + "  " + strings.Join(parts, ",\n"+indent+"  ") + "\n" + indent + "}"
}
