package cli

import (
	"encoding/xml"
	"fmt"
	"os"
	"time"

	"mcpls/internal/runner"
)

// JUnit XML, as CI systems read it: one testsuite for the config file, one
// testcase per request (classname = server), a failure element for each
// request that failed.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitReport builds the report of one run of the config at path.
func junitReport(path string, outcomes []runner.Outcome, total time.Duration, started time.Time) junitSuites {
	suite := junitSuite{Name: path, Tests: len(outcomes), Time: seconds(total),
		Timestamp: started.UTC().Format("2006-01-02T15:04:05")}
	for _, o := range outcomes {
		c := junitCase{Name: o.Name, ClassName: o.Server, Time: seconds(o.Duration)}
		if !o.OK {
			suite.Failures++
			c.Failure = &junitFailure{Message: o.Summary, Type: "error"}
			switch {
			case o.IsError:
				c.Failure.Type, c.Failure.Text = "isError", string(o.Response)
			case o.Err != nil:
				c.Failure.Text = o.Err.Error()
			}
		}
		suite.Cases = append(suite.Cases, c)
	}
	return junitSuites{Name: "mcpls run", Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time,
		Suites: []junitSuite{suite}}
}

// writeJUnit writes the JUnit XML report of a run to file.
func writeJUnit(file, path string, outcomes []runner.Outcome, total time.Duration) error {
	report := junitReport(path, outcomes, total, time.Now().Add(-total))
	data, err := xml.MarshalIndent(report, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the JUnit report: %w", err)
	}
	data = append([]byte(xml.Header), append(data, '\n')...)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return fmt.Errorf("writing the JUnit report: %w", err)
	}
	return nil
}
