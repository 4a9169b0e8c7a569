package luabind

import (
	"os"
	"testing"

	"github.com/racefree/racefree/internal/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }
