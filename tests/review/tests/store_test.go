package pay

func TestStore(t *testing.T) {}
